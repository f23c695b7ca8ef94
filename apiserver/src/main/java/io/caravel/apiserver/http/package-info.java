/**
 * The HTTP edge on Vert.x Web: routing of Kubernetes API paths, content negotiation (JSON, YAML, Table), Status
 * errors, discovery and OpenAPI documents, and watch streaming. Handlers never block an event loop: store calls
 * return futures whose results are written back on the request's context.
 */
package io.caravel.apiserver.http;
