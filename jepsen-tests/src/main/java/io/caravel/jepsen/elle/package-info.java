/**
 * An Elle-style checker for list-append transaction histories (Kingsbury &amp; Alvaro, "Elle:
 * Inferring Isolation Anomalies from Experimental Observations"): it infers each key's version order
 * from the lists that reads return, builds the transaction dependency graph (write-write,
 * write-read, read-write and real-time edges), finds its strongly connected components and names
 * the cycles it finds (G0, G1c, G-single, G2, and their real-time variants), plus the non-cycle
 * anomalies G1a (aborted read), G1b (intermediate read), internal inconsistency, duplicate
 * elements, incompatible orders and garbage reads. Written from the paper's description, not from
 * Elle's source. Depends on the history package only.
 */
package io.caravel.jepsen.elle;
