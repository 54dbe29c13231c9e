package dev.o2c.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.o2c.infra.FieldError;
import dev.o2c.infra.ValidationException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OrderRequestsTest {

  private static final int MAX_LINES = 100;

  private static OrderRequests.Line line(String sku, Long quantity, String unitPrice) {
    return new OrderRequests.Line(sku, quantity, unitPrice == null ? null : new BigDecimal(unitPrice));
  }

  private static OrderRequests.Create order(String currency, OrderRequests.Line... lines) {
    return new OrderRequests.Create("C-1001", currency, Arrays.asList(lines), "web", "PO-77");
  }

  private static OrderRequests.Create valid() {
    return order("EUR", line("SKU-1", 3L, "19.99"));
  }

  private static OrderRequests.Create with(
      OrderRequests.Create o, String customerId, String currency, String channel, String externalReference) {
    return new OrderRequests.Create(customerId, currency, o.lines(), channel, externalReference);
  }

  private static List<FieldError> errors(OrderRequests.Create request) {
    var error = assertThrows(ValidationException.class, () -> OrderRequests.validate(request, MAX_LINES));
    assertEquals("The order is not valid.", error.getMessage());
    return error.errors();
  }

  private static void refused(OrderRequests.Create request, String field, String message) {
    assertEquals(List.of(new FieldError(field, message)), errors(request));
  }

  // --- valid orders ---

  @Test
  void a_valid_euro_order_has_exact_line_totals_and_total() {
    var order = OrderRequests.validate(
        order("EUR", line("SKU-1", 3L, "19.99"), line("SKU-2", 1L, "0.1"), line("SKU-3", 7L, "0.07")), MAX_LINES);
    assertEquals("C-1001", order.customerId());
    assertEquals("EUR", order.currency());
    assertEquals("web", order.channel());
    assertEquals("PO-77", order.externalReference());
    assertEquals(3, order.lines().size());
    var first = order.lines().get(0);
    assertEquals(new OrderLine(1, "SKU-1", 3, new BigDecimal("19.99"), new BigDecimal("59.97")), first);
    assertEquals("59.97", first.lineTotal().toPlainString());
    assertEquals("0.10", order.lines().get(1).unitPrice().toPlainString());
    assertEquals("0.10", order.lines().get(1).lineTotal().toPlainString());
    assertEquals("0.49", order.lines().get(2).lineTotal().toPlainString());
    assertEquals(2, order.lines().get(1).lineNumber());
    assertEquals(3, order.lines().get(2).lineNumber());
    assertEquals("60.56", order.total().toPlainString());
  }

  @Test
  void a_yen_order_has_whole_amounts() {
    var order = OrderRequests.validate(order("JPY", line("TEA", 2L, "1500"), line("CUP", 3L, "980.00")), MAX_LINES);
    assertEquals("1500", order.lines().get(0).unitPrice().toPlainString());
    assertEquals("3000", order.lines().get(0).lineTotal().toPlainString());
    assertEquals("980", order.lines().get(1).unitPrice().toPlainString());
    assertEquals("2940", order.lines().get(1).lineTotal().toPlainString());
    assertEquals("5940", order.total().toPlainString());
  }

  @Test
  void a_dinar_order_keeps_three_decimals() {
    var order = OrderRequests.validate(order("KWD", line("OIL", 3L, "1.125"), line("FILTER", 2L, "0.5")), MAX_LINES);
    assertEquals("1.125", order.lines().get(0).unitPrice().toPlainString());
    assertEquals("3.375", order.lines().get(0).lineTotal().toPlainString());
    assertEquals("0.500", order.lines().get(1).unitPrice().toPlainString());
    assertEquals("1.000", order.lines().get(1).lineTotal().toPlainString());
    assertEquals("4.375", order.total().toPlainString());
  }

  @Test
  void a_free_line_is_allowed() {
    var order = OrderRequests.validate(order("EUR", line("SAMPLE", 1L, "0")), MAX_LINES);
    assertEquals("0.00", order.total().toPlainString());
  }

  @Test
  void channel_and_external_reference_are_optional() {
    var order = OrderRequests.validate(with(valid(), "C-1001", "EUR", null, null), MAX_LINES);
    assertEquals(null, order.channel());
    assertEquals(null, order.externalReference());
  }

  @Test
  void exactly_max_lines_lines_and_the_largest_quantity_are_allowed() {
    var lines = new ArrayList<OrderRequests.Line>();
    for (int i = 0; i < 3; i++) {
      lines.add(line("SKU-" + i, OrderRequests.MAX_QUANTITY, "1"));
    }
    var order = OrderRequests.validate(new OrderRequests.Create("C-1", "EUR", lines, null, null), 3);
    assertEquals(3, order.lines().size());
    assertEquals(0, new BigDecimal("3000000").compareTo(order.total()));
  }

  @Test
  void a_sku_of_64_characters_and_a_channel_of_64_are_allowed() {
    var order = OrderRequests.validate(
        new OrderRequests.Create("C-1", "EUR", List.of(line("S".repeat(64), 1L, "1")), "c".repeat(64), "r".repeat(128)),
        MAX_LINES);
    assertEquals("S".repeat(64), order.lines().get(0).sku());
  }

  // --- refused: order fields ---

  @Test
  void a_missing_customer_id_is_refused() {
    refused(with(valid(), null, "EUR", "web", null), "customerId", "is required");
    refused(with(valid(), " ", "EUR", "web", null), "customerId", "is required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"acme:C-1", "C 1", "-C1", "C|1", "C1234567890123456789012345678901234567890123456789012345678901234"})
  void an_invalid_customer_id_is_refused(String customerId) {
    refused(
        with(valid(), customerId, "EUR", "web", null),
        "customerId",
        "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
  }

  @Test
  void a_missing_currency_is_refused() {
    refused(with(valid(), "C-1001", null, "web", null), "currency", "is required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"eur", "EURO", "XXX", "XAU", ""})
  void an_unknown_currency_is_refused(String currency) {
    refused(
        with(valid(), "C-1001", currency, "web", null),
        "currency",
        "must be an ISO 4217 currency code such as EUR, USD or JPY");
  }

  @Test
  void missing_lines_are_refused() {
    refused(new OrderRequests.Create("C-1", "EUR", null, null, null), "lines", "is required");
  }

  @Test
  void an_order_without_lines_is_refused() {
    refused(new OrderRequests.Create("C-1", "EUR", List.of(), null, null), "lines", "must have at least one line");
  }

  @Test
  void more_lines_than_the_maximum_are_refused() {
    var request = order("EUR", line("A", 1L, "1"), line("B", 1L, "1"), line("C", 1L, "1"));
    var error = assertThrows(ValidationException.class, () -> OrderRequests.validate(request, 2));
    assertEquals(List.of(new FieldError("lines", "must have at most 2 lines")), error.errors());
  }

  @Test
  void a_null_line_is_refused_naming_its_index() {
    refused(order("EUR", line("A", 1L, "1"), null), "lines[1]", "must be an object");
  }

  @Test
  void a_blank_channel_is_refused() {
    refused(with(valid(), "C-1001", "EUR", "  ", null), "channel", "must not be blank");
  }

  @Test
  void a_channel_over_64_characters_is_refused() {
    refused(with(valid(), "C-1001", "EUR", "c".repeat(65), null), "channel", "must be at most 64 characters");
  }

  @Test
  void an_external_reference_over_128_characters_is_refused() {
    refused(
        with(valid(), "C-1001", "EUR", null, "r".repeat(129)),
        "externalReference",
        "must be at most 128 characters");
  }

  @Test
  void a_channel_with_a_control_character_is_refused() {
    refused(with(valid(), "C-1001", "EUR", "web\u001f", null), "channel", "must not contain control characters");
  }

  // --- refused: line fields ---

  @Test
  void a_blank_sku_is_refused_naming_the_line() {
    refused(order("EUR", line("A", 1L, "1"), line(" ", 1L, "1")), "lines[1].sku", "is required");
    refused(order("EUR", line(null, 1L, "1")), "lines[0].sku", "is required");
  }

  @Test
  void a_sku_over_64_characters_is_refused() {
    refused(order("EUR", line("S".repeat(65), 1L, "1")), "lines[0].sku", "must be at most 64 characters");
  }

  @Test
  void a_missing_quantity_is_refused() {
    refused(order("EUR", line("A", null, "1")), "lines[0].quantity", "is required");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, 1_000_001, Long.MAX_VALUE, Long.MIN_VALUE})
  void a_quantity_outside_one_to_a_million_is_refused(long quantity) {
    refused(order("EUR", line("A", quantity, "1")), "lines[0].quantity", "must be between 1 and 1000000");
  }

  @Test
  void a_missing_unit_price_is_refused() {
    refused(order("EUR", line("A", 1L, null)), "lines[0].unitPrice", "is required");
  }

  @Test
  void a_negative_unit_price_is_refused() {
    refused(order("EUR", line("A", 1L, "-0.01")), "lines[0].unitPrice", "must not be negative");
  }

  @Test
  void an_over_precise_price_is_refused_naming_the_line() {
    refused(
        order("EUR", line("A", 1L, "1.00"), line("B", 2L, "19.999")),
        "lines[1].unitPrice",
        "has more decimals than EUR allows (2)");
    refused(order("JPY", line("A", 1L, "100.5")), "lines[0].unitPrice", "has more decimals than JPY allows (0)");
    refused(order("KWD", line("A", 1L, "1.0005")), "lines[0].unitPrice", "has more decimals than KWD allows (3)");
  }

  @Test
  void a_unit_price_at_the_maximum_amount_is_refused() {
    refused(order("EUR", line("A", 1L, "1000000000000")), "lines[0].unitPrice", "must be less than 1000000000000");
  }

  @Test
  void an_order_total_at_or_above_the_maximum_is_refused() {
    refused(
        order("EUR", line("A", 1_000_000L, "1000000")),
        "lines",
        "the order total must be less than 1000000000000");
  }

  @Test
  void every_error_of_a_request_is_reported_at_once() {
    var request = new OrderRequests.Create(
        null,
        "EURO",
        Arrays.asList(line("", 0L, "1"), null, line("B", 2L, null)),
        "",
        "r".repeat(129));
    assertEquals(
        List.of(
            new FieldError("customerId", "is required"),
            new FieldError("currency", "must be an ISO 4217 currency code such as EUR, USD or JPY"),
            new FieldError("channel", "must not be blank"),
            new FieldError("externalReference", "must be at most 128 characters"),
            new FieldError("lines[0].sku", "is required"),
            new FieldError("lines[0].quantity", "must be between 1 and 1000000"),
            new FieldError("lines[1]", "must be an object"),
            new FieldError("lines[2].unitPrice", "is required")),
        errors(request));
  }

  @Test
  void several_errors_of_one_line_are_all_reported() {
    assertEquals(
        List.of(
            new FieldError("lines[0].sku", "must be at most 64 characters"),
            new FieldError("lines[0].quantity", "is required"),
            new FieldError("lines[0].unitPrice", "has more decimals than JPY allows (0)")),
        errors(order("JPY", line("S".repeat(65), null, "0.5"))));
  }

  // --- fingerprint ---

  private static NewOrder newOrder(String customerId, String currency, String channel, String reference, OrderLine... lines) {
    var total = Arrays.stream(lines).map(OrderLine::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
    return new NewOrder(customerId, currency, List.of(lines), total, channel, reference);
  }

  private static OrderLine orderLine(String sku, long quantity, String price) {
    var unitPrice = new BigDecimal(price);
    return new OrderLine(1, sku, quantity, unitPrice, unitPrice.multiply(BigDecimal.valueOf(quantity)));
  }

  private static String fingerprint(String customerId, String currency, String channel, String reference, OrderLine line) {
    return newOrder(customerId, currency, channel, reference, line).fingerprint();
  }

  @Test
  void the_fingerprint_is_the_same_however_a_price_is_written() {
    assertEquals(
        fingerprint("C-1", "EUR", "web", "PO-1", orderLine("A", 2, "12.5")),
        fingerprint("C-1", "EUR", "web", "PO-1", orderLine("A", 2, "12.50")));
    assertEquals(
        fingerprint("C-1", "EUR", "web", "PO-1", orderLine("A", 2, "100")),
        fingerprint("C-1", "EUR", "web", "PO-1", orderLine("A", 2, "1E+2")));
  }

  @Test
  void the_fingerprint_of_validated_requests_matches_for_12_5_and_12_50() {
    var a = OrderRequests.validate(order("EUR", line("A", 2L, "12.5")), MAX_LINES);
    var b = OrderRequests.validate(order("EUR", line("A", 2L, "12.50")), MAX_LINES);
    assertEquals(a.fingerprint(), b.fingerprint());
  }

  @Test
  void the_fingerprint_is_a_sha256_hex_digest() {
    var fingerprint = fingerprint("C-1", "EUR", "web", "PO-1", orderLine("A", 2, "12.5"));
    assertEquals(64, fingerprint.length());
    assertEquals(fingerprint, fingerprint.replaceAll("[^0-9a-f]", ""));
  }

  @Test
  void the_fingerprint_differs_when_anything_asked_for_differs() {
    var base = fingerprint("C-1", "EUR", "web", "PO-1", orderLine("A", 2, "12.50"));
    assertNotEquals(base, fingerprint("C-1", "EUR", "web", "PO-1", orderLine("A", 3, "12.50")), "quantity");
    assertNotEquals(base, fingerprint("C-1", "EUR", "web", "PO-1", orderLine("B", 2, "12.50")), "sku");
    assertNotEquals(base, fingerprint("C-1", "EUR", "web", "PO-1", orderLine("A", 2, "12.51")), "price");
    assertNotEquals(base, fingerprint("C-2", "EUR", "web", "PO-1", orderLine("A", 2, "12.50")), "customer");
    assertNotEquals(base, fingerprint("C-1", "USD", "web", "PO-1", orderLine("A", 2, "12.50")), "currency");
    assertNotEquals(base, fingerprint("C-1", "EUR", "b2b", "PO-1", orderLine("A", 2, "12.50")), "channel");
    assertNotEquals(base, fingerprint("C-1", "EUR", null, "PO-1", orderLine("A", 2, "12.50")), "no channel");
    assertNotEquals(base, fingerprint("C-1", "EUR", "web", "PO-2", orderLine("A", 2, "12.50")), "externalReference");
    assertNotEquals(base, fingerprint("C-1", "EUR", "web", null, orderLine("A", 2, "12.50")), "no externalReference");
  }

  @Test
  void the_fingerprint_differs_when_lines_are_added_or_reordered() {
    var a = orderLine("A", 1, "1");
    var b = orderLine("B", 1, "1");
    var one = newOrder("C-1", "EUR", null, null, a).fingerprint();
    var two = newOrder("C-1", "EUR", null, null, a, b).fingerprint();
    var swapped = newOrder("C-1", "EUR", null, null, b, a).fingerprint();
    assertNotEquals(one, two);
    assertNotEquals(two, swapped);
  }

  @Test
  void the_fingerprint_tells_an_absent_channel_from_the_channel_named_null() {
    // Both are valid requests, so one Idempotency-Key reused for them must be a 422, not a replay.
    var absent = OrderRequests.validate(with(valid(), "C-1001", "EUR", null, "PO-1"), MAX_LINES);
    var named = OrderRequests.validate(with(valid(), "C-1001", "EUR", "null", "PO-1"), MAX_LINES);
    assertNotEquals(absent.fingerprint(), named.fingerprint());
  }

  @Test
  void the_fingerprint_tells_an_absent_external_reference_from_the_reference_null() {
    var absent = OrderRequests.validate(with(valid(), "C-1001", "EUR", "web", null), MAX_LINES);
    var named = OrderRequests.validate(with(valid(), "C-1001", "EUR", "web", "null"), MAX_LINES);
    assertNotEquals(absent.fingerprint(), named.fingerprint());
  }
}
