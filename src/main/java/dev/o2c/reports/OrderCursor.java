package dev.o2c.reports;

import java.time.Instant;

/**
 * Where a newest-first list of orders stands: after the order {@code orderId} placed at
 * {@code placedAt} (orders at one instant are in id order). Its page token is
 * {@code <epoch millis>.<order id>}; anything else is refused ({@link IllegalArgumentException}: 400).
 */
record OrderCursor(Instant placedAt, String orderId) {

  /** Before every order placed after {@code at} (at itself included). */
  static OrderCursor before(Instant at) {
    return new OrderCursor(at, null);
  }

  /** Whether an order at ({@code at}, {@code id}) comes after this position in the list. */
  boolean isAfter(Instant at, String id) {
    int c = at.compareTo(placedAt);
    return c < 0 || c == 0 && (orderId == null || id.compareTo(orderId) > 0);
  }

  String token() {
    return placedAt.toEpochMilli() + "." + orderId;
  }

  static OrderCursor open(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0 || dot == token.length() - 1 || !token.substring(dot + 1).matches("[A-Za-z0-9_:-]{1,200}")) {
      throw new IllegalArgumentException("not a page token of this list");
    }
    try {
      return new OrderCursor(Instant.ofEpochMilli(Long.parseLong(token.substring(0, dot))), token.substring(dot + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a page token of this list", e);
    }
  }
}
