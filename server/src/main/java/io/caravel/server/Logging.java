package io.caravel.server;

/**
 * Configures slf4j-simple for the executable: timestamped lines on stderr that an operator can read,
 * Ratis's chatter at WARN. Must run before the first logger is created; embedders keep their own setup.
 */
final class Logging {
    private Logging() {
    }

    static void configure(String level) {
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level);
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.ratis", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.io.grpc", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.io.netty", "warn");
        // Ratis's shaded gRPC logs through java.util.logging (an unformatted two-line INFO at start-up)
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(java.util.logging.Level.WARNING);
        for (java.util.logging.Handler h : root.getHandlers()) {
            h.setLevel(java.util.logging.Level.WARNING);
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
