/** The self-contained HTML report of a run: summary, checker explanation, timeline, failing window. */
package io.caravel.jepsen.report;
