package dev.o2c.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.infra.FieldError;
import dev.o2c.infra.ValidationException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CustomerRequestsTest {

  private static final String GENERATED = "cus_generated";

  private static CustomerRequests.Create create(
      String customerId, String name, String email, String currency, String creditLimit, Integer paymentTermsDays) {
    return new CustomerRequests.Create(
        customerId, name, email, currency, creditLimit == null ? null : new BigDecimal(creditLimit), paymentTermsDays);
  }

  private static CustomerRequests.Create valid() {
    return create("C-1001", "Acme GmbH", "billing@acme.example", "EUR", "5000", 30);
  }

  private static List<FieldError> errors(CustomerRequests.Create request) {
    var error = assertThrows(ValidationException.class, () -> CustomerRequests.validate(request, GENERATED));
    assertEquals("The customer is not valid.", error.getMessage());
    return error.errors();
  }

  private static void refused(CustomerRequests.Create request, String field, String message) {
    assertEquals(List.of(new FieldError(field, message)), errors(request));
  }

  private static List<FieldError> errors(CustomerRequests.Patch patch) {
    var error = assertThrows(ValidationException.class, () -> CustomerRequests.validate(patch));
    assertEquals("The changes are not valid.", error.getMessage());
    return error.errors();
  }

  // --- create: valid ---

  @Test
  void a_valid_customer_keeps_its_given_id_and_normalizes_the_credit_limit() {
    var customer = CustomerRequests.validate(valid(), GENERATED);
    assertEquals("C-1001", customer.customerId());
    assertEquals("Acme GmbH", customer.name());
    assertEquals("billing@acme.example", customer.email());
    assertEquals("EUR", customer.currency());
    assertEquals("5000.00", customer.creditLimit().toPlainString());
    assertEquals(30, customer.paymentTermsDays());
  }

  @Test
  void a_customer_without_an_id_gets_the_generated_one() {
    var customer = CustomerRequests.validate(create(null, "Acme", null, "EUR", "0", 0), GENERATED);
    assertEquals(GENERATED, customer.customerId());
    assertNull(customer.email());
    assertEquals("0.00", customer.creditLimit().toPlainString());
    assertEquals(0, customer.paymentTermsDays());
  }

  @Test
  void the_credit_limit_gets_the_currency_scale() {
    assertEquals("1000", CustomerRequests.validate(create(null, "A", null, "JPY", "1000.00", 30), GENERATED)
        .creditLimit().toPlainString());
    assertEquals("12.500", CustomerRequests.validate(create(null, "A", null, "KWD", "12.5", 30), GENERATED)
        .creditLimit().toPlainString());
  }

  @Test
  void the_name_is_stripped() {
    assertEquals("Acme", CustomerRequests.validate(create(null, "  Acme  ", null, "EUR", "1", 30), GENERATED).name());
  }

  @Test
  void a_name_with_a_control_character_is_refused() {
    refused(create(null, "Acme\tGmbH", null, "EUR", "1", 30), "name", "must not contain control characters");
  }

  @Test
  void payment_terms_of_365_days_and_a_name_of_200_characters_are_allowed() {
    var customer = CustomerRequests.validate(create(null, "n".repeat(200), null, "EUR", "1", 365), GENERATED);
    assertEquals(365, customer.paymentTermsDays());
    assertEquals(200, customer.name().length());
  }

  // --- create: refused ---

  @ParameterizedTest
  @ValueSource(strings = {"C 1", "acme:C1", "-C1", "C|1", "", "C1234567890123456789012345678901234567890123456789012345678901234"})
  void a_customer_id_outside_the_id_pattern_is_refused(String customerId) {
    var errors = errors(create(customerId, "Acme", null, "EUR", "1", 30));
    assertEquals(1, errors.size(), errors.toString());
    assertEquals("customerId", errors.get(0).field());
  }

  @Test
  void a_customer_id_with_a_space_names_the_pattern() {
    refused(
        create("C 1", "Acme", null, "EUR", "1", 30),
        "customerId",
        "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
  }

  @Test
  void a_missing_or_blank_name_is_refused() {
    refused(create(null, null, null, "EUR", "1", 30), "name", "is required");
    refused(create(null, "   ", null, "EUR", "1", 30), "name", "is required");
  }

  @Test
  void a_name_over_200_characters_is_refused() {
    refused(create(null, "n".repeat(201), null, "EUR", "1", 30), "name", "must be at most 200 characters");
  }

  @ParameterizedTest
  @ValueSource(strings = {"billing", "billing@acme", "@acme.example", "billing@", "bil ling@acme.example", "a@b@c.d", ""})
  void a_malformed_email_is_refused(String email) {
    refused(create(null, "Acme", email, "EUR", "1", 30), "email", "must be an email address such as billing@example.com");
  }

  @Test
  void an_email_over_254_characters_is_refused() {
    var email = "a".repeat(250) + "@b.cd";
    refused(create(null, "Acme", email, "EUR", "1", 30), "email", "must be an email address such as billing@example.com");
  }

  @Test
  void a_missing_currency_is_refused() {
    refused(create(null, "Acme", null, null, "1", 30), "currency", "is required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"eur", "EURO", "XXX", "XAU"})
  void an_unknown_currency_is_refused(String currency) {
    refused(
        create(null, "Acme", null, currency, "1", 30),
        "currency",
        "must be an ISO 4217 currency code such as EUR, USD or JPY");
  }

  @Test
  void a_missing_credit_limit_is_refused() {
    refused(create(null, "Acme", null, "EUR", null, 30), "creditLimit", "is required");
  }

  @Test
  void a_negative_credit_limit_is_refused() {
    refused(create(null, "Acme", null, "EUR", "-1", 30), "creditLimit", "must not be negative");
  }

  @Test
  void an_over_precise_credit_limit_is_refused() {
    refused(create(null, "Acme", null, "EUR", "10.001", 30), "creditLimit", "has more decimals than EUR allows (2)");
    refused(create(null, "Acme", null, "JPY", "10.5", 30), "creditLimit", "has more decimals than JPY allows (0)");
  }

  @Test
  void missing_payment_terms_are_refused() {
    refused(create(null, "Acme", null, "EUR", "1", null), "paymentTermsDays", "is required");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 366, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void payment_terms_outside_0_to_365_days_are_refused(int days) {
    refused(create(null, "Acme", null, "EUR", "1", days), "paymentTermsDays", "must be between 0 and 365");
  }

  @Test
  void every_error_of_a_creation_is_reported_at_once() {
    assertEquals(
        List.of(
            new FieldError("customerId", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"),
            new FieldError("name", "is required"),
            new FieldError("email", "must be an email address such as billing@example.com"),
            new FieldError("currency", "is required"),
            new FieldError("creditLimit", "is required"),
            new FieldError("paymentTermsDays", "must be between 0 and 365")),
        errors(create("_x", "", "nope", null, null, 400)));
  }

  // --- create: fingerprint ---

  @Test
  void the_fingerprint_is_the_same_for_100_and_100_00() {
    var a = new NewCustomer("C-1", "Acme", null, "EUR", new BigDecimal("100"), 30);
    var b = new NewCustomer("C-1", "Acme", null, "EUR", new BigDecimal("100.00"), 30);
    assertEquals(a.fingerprint(), b.fingerprint());
    assertEquals(
        CustomerRequests.validate(create("C-1", "Acme", null, "EUR", "100", 30), GENERATED).fingerprint(),
        CustomerRequests.validate(create("C-1", "Acme", null, "EUR", "100.00", 30), GENERATED).fingerprint());
  }

  @Test
  void the_fingerprint_differs_when_anything_asked_for_differs() {
    var base = new NewCustomer("C-1", "Acme", "a@b.cd", "EUR", new BigDecimal("100"), 30).fingerprint();
    assertNotEquals(base, new NewCustomer("C-2", "Acme", "a@b.cd", "EUR", new BigDecimal("100"), 30).fingerprint());
    assertNotEquals(base, new NewCustomer("C-1", "Acme2", "a@b.cd", "EUR", new BigDecimal("100"), 30).fingerprint());
    assertNotEquals(base, new NewCustomer("C-1", "Acme", null, "EUR", new BigDecimal("100"), 30).fingerprint());
    assertNotEquals(base, new NewCustomer("C-1", "Acme", "a@b.cd", "USD", new BigDecimal("100"), 30).fingerprint());
    assertNotEquals(base, new NewCustomer("C-1", "Acme", "a@b.cd", "EUR", new BigDecimal("100.01"), 30).fingerprint());
    assertNotEquals(base, new NewCustomer("C-1", "Acme", "a@b.cd", "EUR", new BigDecimal("100"), 31).fingerprint());
  }

  // --- patch ---

  @Test
  void absent_fields_of_a_patch_stay_null_and_the_patch_is_empty() {
    var patch = CustomerRequests.validate(new CustomerRequests.Patch(null, null, null, null, null));
    assertEquals(new CustomerPatch(null, null, false, null, null, null), patch);
    assertTrue(patch.isEmpty());
  }

  @Test
  void a_patch_carries_the_given_fields() {
    var patch = CustomerRequests.validate(new CustomerRequests.Patch(
        Optional.of(" New Name "),
        Optional.of("ap@acme.example"),
        Optional.of(new BigDecimal("250.5")),
        Optional.of(45),
        Optional.of(CustomerStatus.CREDIT_HOLD)));
    assertEquals("New Name", patch.name());
    assertEquals("ap@acme.example", patch.email());
    assertFalse(patch.clearEmail());
    assertEquals(0, new BigDecimal("250.50").compareTo(patch.creditLimit()));
    assertEquals(45, patch.paymentTermsDays());
    assertEquals(CustomerStatus.CREDIT_HOLD, patch.status());
    assertFalse(patch.isEmpty());
  }

  @Test
  void an_explicit_null_email_clears_it() {
    var patch = CustomerRequests.validate(new CustomerRequests.Patch(null, Optional.empty(), null, null, null));
    assertTrue(patch.clearEmail());
    assertNull(patch.email());
    assertNull(patch.name());
    assertNull(patch.creditLimit());
    assertNull(patch.paymentTermsDays());
    assertNull(patch.status());
    assertFalse(patch.isEmpty());
  }

  @Test
  void a_patch_of_one_field_is_not_empty() {
    assertFalse(CustomerRequests.validate(new CustomerRequests.Patch(Optional.of("N"), null, null, null, null)).isEmpty());
    assertFalse(CustomerRequests.validate(new CustomerRequests.Patch(null, Optional.of("a@b.cd"), null, null, null)).isEmpty());
    assertFalse(CustomerRequests.validate(
        new CustomerRequests.Patch(null, null, Optional.of(BigDecimal.ZERO), null, null)).isEmpty());
    assertFalse(CustomerRequests.validate(new CustomerRequests.Patch(null, null, null, Optional.of(0), null)).isEmpty());
    assertFalse(CustomerRequests.validate(
        new CustomerRequests.Patch(null, null, null, null, Optional.of(CustomerStatus.ACTIVE))).isEmpty());
  }

  @Test
  void an_explicit_null_name_is_refused() {
    assertEquals(
        List.of(new FieldError("name", "is required")),
        errors(new CustomerRequests.Patch(Optional.empty(), null, null, null, null)));
  }

  @Test
  void a_blank_or_too_long_name_in_a_patch_is_refused() {
    assertEquals(
        List.of(new FieldError("name", "is required")),
        errors(new CustomerRequests.Patch(Optional.of("  "), null, null, null, null)));
    assertEquals(
        List.of(new FieldError("name", "must be at most 200 characters")),
        errors(new CustomerRequests.Patch(Optional.of("n".repeat(201)), null, null, null, null)));
  }

  @Test
  void a_malformed_email_in_a_patch_is_refused() {
    assertEquals(
        List.of(new FieldError("email", "must be an email address such as billing@example.com")),
        errors(new CustomerRequests.Patch(null, Optional.of("not-an-email"), null, null, null)));
  }

  @Test
  void an_explicit_null_credit_limit_is_refused() {
    assertEquals(
        List.of(new FieldError("creditLimit", "must not be null")),
        errors(new CustomerRequests.Patch(null, null, Optional.empty(), null, null)));
  }

  @Test
  void a_negative_credit_limit_in_a_patch_is_refused() {
    assertEquals(
        List.of(new FieldError("creditLimit", "must not be negative")),
        errors(new CustomerRequests.Patch(null, null, Optional.of(new BigDecimal("-0.01")), null, null)));
  }

  @Test
  void a_credit_limit_at_the_maximum_in_a_patch_is_refused() {
    assertEquals(
        List.of(new FieldError("creditLimit", "must be less than 1000000000000")),
        errors(new CustomerRequests.Patch(null, null, Optional.of(new BigDecimal("1000000000000")), null, null)));
  }

  @Test
  void explicit_null_or_out_of_range_payment_terms_are_refused() {
    assertEquals(
        List.of(new FieldError("paymentTermsDays", "is required")),
        errors(new CustomerRequests.Patch(null, null, null, Optional.empty(), null)));
    assertEquals(
        List.of(new FieldError("paymentTermsDays", "must be between 0 and 365")),
        errors(new CustomerRequests.Patch(null, null, null, Optional.of(-1), null)));
    assertEquals(
        List.of(new FieldError("paymentTermsDays", "must be between 0 and 365")),
        errors(new CustomerRequests.Patch(null, null, null, Optional.of(366), null)));
  }

  @Test
  void an_explicit_null_status_is_refused() {
    assertEquals(
        List.of(new FieldError("status", "must be one of ACTIVE, CREDIT_HOLD, BLOCKED")),
        errors(new CustomerRequests.Patch(null, null, null, null, Optional.empty())));
  }

  @Test
  void every_error_of_a_patch_is_reported_at_once() {
    assertEquals(
        List.of(
            new FieldError("name", "is required"),
            new FieldError("email", "must be an email address such as billing@example.com"),
            new FieldError("creditLimit", "must not be null"),
            new FieldError("paymentTermsDays", "is required"),
            new FieldError("status", "must be one of ACTIVE, CREDIT_HOLD, BLOCKED")),
        errors(new CustomerRequests.Patch(
            Optional.empty(), Optional.of("x"), Optional.empty(), Optional.empty(), Optional.empty())));
  }
}
