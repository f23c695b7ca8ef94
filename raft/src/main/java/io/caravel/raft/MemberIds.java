package io.caravel.raft;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Deterministic identities, etcd-style ({@code membership.computeMemberId}): a member id is the first 8
 * bytes of SHA-1 over its sorted peer URLs and the cluster token, so every member (and a member being
 * added) computes the same id for the same URLs. Unlike etcd no timestamp is mixed in for added
 * members, so that the new member can compute its own id from its flags. Stateless.
 */
public final class MemberIds {
    private MemberIds() {
    }

    /** The member id of a member with {@code peerUrls} in the cluster with {@code token}. */
    public static long memberId(List<String> peerUrls, String token) {
        List<String> sorted = new ArrayList<>(peerUrls);
        Collections.sort(sorted);
        byte[] h = sha1((String.join("", sorted) + token).getBytes(StandardCharsets.UTF_8));
        long id = ByteBuffer.wrap(h, 0, 8).getLong();
        return id == 0 ? 1 : id;
    }

    /** The Raft group id of a new cluster: a name-based UUID of the token and the initial cluster. */
    public static UUID groupId(String token, Map<String, String> initialCluster) {
        StringBuilder sb = new StringBuilder("caravel-cluster/").append(token);
        new TreeMap<>(initialCluster).forEach((name, url) -> sb.append('/').append(name).append('=').append(url));
        return UUID.nameUUIDFromBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The etcd cluster id: derived from the group id, so every member reports the same one. */
    public static long clusterId(UUID groupId) {
        long id = groupId.getMostSignificantBits() ^ groupId.getLeastSignificantBits();
        return id == 0 ? 1 : id;
    }

    /** The Ratis peer id of a member id: its unsigned hex form. */
    public static String peerId(long memberId) {
        return Long.toHexString(memberId);
    }

    public static long fromPeerId(String peerId) {
        return Long.parseUnsignedLong(peerId, 16);
    }

    /** {@code http://host:port} to {@code host:port}. */
    public static String address(String url) {
        URI u = URI.create(url.trim());
        if (u.getHost() == null || u.getPort() < 0) {
            throw new IllegalArgumentException("peer URL needs a host and a port: " + url);
        }
        String host = u.getHost();
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + u.getPort();
    }

    /** {@code host:port} back to a peer URL. */
    public static String url(String address) {
        return "http://" + address;
    }

    /** Splits an initial-cluster value that may hold several comma-separated URLs. */
    public static List<String> urls(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    private static byte[] sha1(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(in);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
