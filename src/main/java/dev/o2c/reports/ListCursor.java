package dev.o2c.reports;

import java.time.Instant;

/**
 * Where a newest-first list (orders by placement, invoices by issue) stands: after the row
 * {@code id} at {@code at} (rows at one instant are in id order). Its page token is
 * {@code <epoch millis>.<id>}; anything else is refused ({@link IllegalArgumentException}: 400).
 */
record ListCursor(Instant at, String id) {

  /** Before every order placed after {@code at} (at itself included). */
  static ListCursor before(Instant at) {
    return new ListCursor(at, null);
  }

  /** Whether an order at ({@code at}, {@code id}) comes after this position in the list. */
  boolean isAfter(Instant at, String id) {
    int c = at.compareTo(this.at);
    return c < 0 || c == 0 && (this.id == null || id.compareTo(this.id) > 0);
  }

  String token() {
    return at.toEpochMilli() + "." + id;
  }

  static ListCursor open(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0 || dot == token.length() - 1 || !token.substring(dot + 1).matches("[A-Za-z0-9_:-]{1,200}")) {
      throw new IllegalArgumentException("not a page token of this list");
    }
    try {
      return new ListCursor(Instant.ofEpochMilli(Long.parseLong(token.substring(0, dot))), token.substring(dot + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a page token of this list", e);
    }
  }
}
