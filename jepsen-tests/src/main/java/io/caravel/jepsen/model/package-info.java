/**
 * Sequential specifications ("models") that the linearizability checker tests histories against:
 * {@link io.caravel.jepsen.model.RegisterModel register}, {@link
 * io.caravel.jepsen.model.CasRegisterModel cas-register} and {@link io.caravel.jepsen.model.KvModel
 * kv}. {@link io.caravel.jepsen.model.Models#byName(String)} looks them up by their command-line
 * names.
 */
package io.caravel.jepsen.model;
