package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  record Line(String sku, Integer quantity, BigDecimal unitPrice) {}

  record Body(String name, List<Line> lines, Boolean urgent, LocalDate due) {}

  private static Body read(String json) {
    return Json.read(json.getBytes(StandardCharsets.UTF_8), Body.class);
  }

  private static Problem rejected(String json) {
    return assertThrows(ProblemException.class, () -> read(json)).problem();
  }

  @Test
  void decimals_arrive_exactly_from_numbers_and_strings() {
    Body body = read("{\"lines\":[{\"unitPrice\":12.10},{\"unitPrice\":\"0.30\"},{\"unitPrice\":1e2}]}");
    assertEquals("12.10", body.lines().get(0).unitPrice().toPlainString());
    assertEquals("0.30", body.lines().get(1).unitPrice().toPlainString());
    assertEquals(0, new BigDecimal("100").compareTo(body.lines().get(2).unitPrice()));
  }

  @Test
  void an_unknown_field_is_named_with_its_path() {
    Problem problem = rejected("{\"lines\":[{\"sku\":\"a\"},{\"sku\":\"b\",\"colour\":\"red\"}]}");
    assertEquals(400, problem.status());
    assertEquals("lines[1].colour", problem.errors().get(0).field());
    assertTrue(problem.errors().get(0).message().contains("quantity"), "lists the known fields");
  }

  @Test
  void a_fraction_is_not_silently_truncated_into_an_integer() {
    Problem problem = rejected("{\"lines\":[{\"quantity\":2.5}]}");
    assertEquals("lines[0].quantity", problem.errors().get(0).field());
    assertEquals("must be a whole number", problem.errors().get(0).message());
  }

  @Test
  void a_string_is_not_an_integer() {
    assertEquals("lines[0].quantity", rejected("{\"lines\":[{\"quantity\":\"2\"}]}").errors().get(0).field());
  }

  @Test
  void a_number_is_not_a_string() {
    Problem problem = rejected("{\"name\":42}");
    assertEquals("name", problem.errors().get(0).field());
    assertEquals("must be a string", problem.errors().get(0).message());
  }

  @Test
  void an_empty_string_is_not_an_amount() {
    assertEquals("lines[0].unitPrice", rejected("{\"lines\":[{\"unitPrice\":\"\"}]}").errors().get(0).field());
  }

  @Test
  void a_non_numeric_amount_is_rejected_with_the_field() {
    Problem problem = rejected("{\"lines\":[{\"unitPrice\":\"twelve\"}]}");
    assertEquals("lines[0].unitPrice", problem.errors().get(0).field());
    assertTrue(problem.errors().get(0).message().startsWith("must be a decimal number"));
  }

  @Test
  void a_string_is_not_a_boolean() {
    assertEquals("urgent", rejected("{\"urgent\":\"yes\"}").errors().get(0).field());
  }

  @Test
  void a_malformed_date_is_rejected_with_the_format() {
    Problem problem = rejected("{\"due\":\"22/11/2026\"}");
    assertEquals("due", problem.errors().get(0).field());
    assertTrue(problem.errors().get(0).message().contains("YYYY-MM-DD"));
  }

  @Test
  void duplicate_keys_are_rejected() {
    Problem problem = rejected("{\"name\":\"a\",\"name\":\"b\"}");
    assertEquals(400, problem.status());
    assertTrue(problem.detail().contains("name"), problem.detail());
  }

  @Test
  void trailing_content_is_rejected() {
    assertEquals(400, rejected("{\"name\":\"a\"} {\"name\":\"b\"}").status());
  }

  @Test
  void malformed_json_says_line_and_column() {
    Problem problem = rejected("{\n \"name\": \"a\"\n \"lines\": []\n}");
    assertEquals(ProblemType.MALFORMED_JSON.uri(), problem.type());
    assertTrue(problem.detail().contains("line 3, column"), problem.detail());
  }

  @Test
  void an_array_where_an_object_belongs_is_a_type_error() {
    Problem problem = rejected("[1,2]");
    assertEquals("$", problem.errors().get(0).field());
  }

  @Test
  void responses_write_amounts_as_plain_strings_keeping_scale() {
    String json =
        new String(
            Json.write(Map.of("a", new BigDecimal("1250.00"), "b", new BigDecimal("1E+3"), "c", new BigDecimal("0.005"))),
            StandardCharsets.UTF_8);
    assertTrue(json.contains("\"a\":\"1250.00\""), json);
    assertTrue(json.contains("\"b\":\"1000\""), json);
    assertTrue(json.contains("\"c\":\"0.005\""), json);
  }

  @Test
  void responses_write_dates_as_iso_strings() {
    String json = new String(Json.write(Map.of("due", LocalDate.of(2026, 12, 22))), StandardCharsets.UTF_8);
    assertEquals("{\"due\":\"2026-12-22\"}", json);
  }
}
