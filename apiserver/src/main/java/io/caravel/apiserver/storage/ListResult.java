package io.caravel.apiserver.storage;

import java.util.List;

/**
 * One list response's content.
 *
 * @param items           the matching objects in key order
 * @param resourceVersion the revision the list reflects
 * @param continueToken   the token for the next page, or null when the list is complete
 * @param remaining       the number of objects after this page when known without selectors, else null
 */
public record ListResult(List<StoredObject> items, long resourceVersion, String continueToken, Long remaining) {
}
