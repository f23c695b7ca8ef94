package io.caravel.store;

/**
 * Runs {@link MvccStoreProperties} in the default build: Surefire's default includes ({@code *Test},
 * {@code *Tests}, {@code Test*}, {@code *TestCase}) do not match STYLE.md's {@code *Properties} naming, and
 * jqwik runs the property and lifecycle methods a class inherits. Remove this class once the build's
 * Surefire configuration includes {@code **}{@code /*Properties.java} (otherwise the properties run twice).
 */
class MvccStorePropertiesTest extends MvccStoreProperties {
}
