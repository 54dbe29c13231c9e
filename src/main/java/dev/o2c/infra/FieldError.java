package dev.o2c.infra;

/** One invalid field of a request: its JSON path (e.g. {@code lines[2].quantity}) and what is wrong. */
public record FieldError(String field, String message) {}
