/**
 * The Kubernetes resource model: the built-in resource types (group, version, kind, scope, subresources, short
 * names), per-kind defaulting and validation, label and field selectors, merge / JSON / strategic-merge patches,
 * Table columns and OpenAPI schemas. Pure functions over Jackson trees; no I/O, no Vert.x.
 */
package io.caravel.apiserver.resource;
