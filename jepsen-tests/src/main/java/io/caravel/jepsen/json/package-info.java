/** A minimal JSON writer for results files and reports (the module has no JSON library). */
package io.caravel.jepsen.json;
