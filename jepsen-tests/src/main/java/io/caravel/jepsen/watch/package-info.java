/**
 * The watch checker: every watcher's events must be in revision order without duplicates, resume
 * where the previous session stopped, agree with every other watcher, miss nothing any other
 * watcher saw in the range it covered, and agree with the acknowledged writes (each delivered once,
 * at the revision the write returned; no failed write delivered; no event nobody wrote). Depends on
 * the history package only.
 */
package io.caravel.jepsen.watch;
