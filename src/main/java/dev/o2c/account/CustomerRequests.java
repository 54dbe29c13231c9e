package dev.o2c.account;

import dev.o2c.infra.Validation;
import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Pattern;

/** The API's customer request bodies and their validation (400 with every field error). */
public final class CustomerRequests {

  /** Payment terms are whole days: net 0 (due on issue) to net 365. */
  public static final int MAX_PAYMENT_TERMS_DAYS = 365;

  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

  private CustomerRequests() {}

  /** Body of {@code POST /v1/customers}. */
  public record Create(
      String customerId, String name, String email, String currency, BigDecimal creditLimit, Integer paymentTermsDays) {}

  /**
   * Body of {@code PATCH /v1/customers/{id}} (JSON merge patch): an absent field (Java null) is
   * unchanged, an explicit JSON null ({@code Optional.empty()}) removes the email and is an error
   * for the others. The currency of an account never changes.
   */
  public record Patch(
      Optional<String> name,
      Optional<String> email,
      Optional<BigDecimal> creditLimit,
      Optional<Integer> paymentTermsDays,
      Optional<CustomerStatus> status) {

    private static final java.util.Set<String> FIELDS = java.util.Set.of("name", "email", "creditLimit", "paymentTermsDays", "status");

    /**
     * The patch a JSON object describes. Read from the tree rather than bound to this record,
     * because binding cannot tell an absent field from an explicit null.
     */
    public static Patch fromJson(com.fasterxml.jackson.databind.JsonNode json) {
      Validation v = new Validation();
      if (!json.isObject()) {
        v.error("$", "must be a JSON object").orThrow("The changes are not valid.");
      }
      json.fieldNames().forEachRemaining(field -> {
        if (!FIELDS.contains(field)) {
          v.error(field, "is not a known field (known fields: creditLimit, email, name, paymentTermsDays, status)");
        }
      });
      Patch patch = new Patch(
          text(json, "name", v), text(json, "email", v), decimal(json, "creditLimit", v), whole(json, "paymentTermsDays", v),
          status(json, v));
      v.orThrow("The changes are not valid.");
      return patch;
    }

    private static Optional<String> text(com.fasterxml.jackson.databind.JsonNode json, String field, Validation v) {
      var node = json.get(field);
      if (node == null || node.isNull()) {
        return node == null ? null : Optional.empty();
      }
      if (!node.isTextual()) {
        v.error(field, "must be a string");
        return null;
      }
      return Optional.of(node.textValue());
    }

    private static Optional<BigDecimal> decimal(com.fasterxml.jackson.databind.JsonNode json, String field, Validation v) {
      var node = json.get(field);
      if (node == null || node.isNull()) {
        return node == null ? null : Optional.empty();
      }
      try {
        if (node.isNumber()) {
          return Optional.of(node.decimalValue());
        }
        if (node.isTextual()) {
          return Optional.of(new BigDecimal(node.textValue()));
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      v.error(field, "must be a decimal number (as a JSON number or a string such as \"12.50\")");
      return null;
    }

    private static Optional<Integer> whole(com.fasterxml.jackson.databind.JsonNode json, String field, Validation v) {
      var node = json.get(field);
      if (node == null || node.isNull()) {
        return node == null ? null : Optional.empty();
      }
      if (!node.isIntegralNumber() || !node.canConvertToInt()) {
        v.error(field, "must be a whole number");
        return null;
      }
      return Optional.of(node.intValue());
    }

    private static Optional<CustomerStatus> status(com.fasterxml.jackson.databind.JsonNode json, Validation v) {
      var node = json.get("status");
      if (node == null || node.isNull()) {
        return node == null ? null : Optional.empty();
      }
      try {
        return Optional.of(CustomerStatus.valueOf(node.asText()));
      } catch (IllegalArgumentException e) {
        v.error("status", "must be one of ACTIVE, CREDIT_HOLD, BLOCKED");
        return null;
      }
    }
  }

  /** The valid account of a creation request; {@code generatedId} is used when none was given. */
  public static NewCustomer validate(Create request, String generatedId) {
    Validation v = new Validation();
    if (request.customerId() != null) {
      v.id("customerId", request.customerId());
    }
    v.text("name", request.name(), 200);
    email(v, request.email());
    v.currency("currency", request.currency());
    v.amount("creditLimit", request.creditLimit(), request.currency(), true);
    v.range("paymentTermsDays", request.paymentTermsDays(), 0, MAX_PAYMENT_TERMS_DAYS);
    v.orThrow("The customer is not valid.");
    return new NewCustomer(
        request.customerId() != null ? request.customerId() : generatedId,
        request.name().strip(),
        request.email(),
        request.currency(),
        Money.normalize(request.creditLimit(), request.currency()),
        request.paymentTermsDays());
  }

  /** The valid changes of a patch; fields given as null (other than email) are errors. */
  public static CustomerPatch validate(Patch patch) {
    Validation v = new Validation();
    if (patch.name() != null) {
      v.text("name", patch.name().orElse(null), 200);
    }
    if (patch.email() != null && patch.email().isPresent()) {
      email(v, patch.email().get());
    }
    if (patch.creditLimit() != null) {
      BigDecimal limit = patch.creditLimit().orElse(null);
      if (limit == null) {
        v.error("creditLimit", "must not be null");
      } else if (limit.signum() < 0) {
        v.error("creditLimit", "must not be negative");
      } else if (limit.compareTo(Money.MAX_AMOUNT) >= 0) {
        v.error("creditLimit", "must be less than " + Money.MAX_AMOUNT.toPlainString());
      }
    }
    if (patch.paymentTermsDays() != null) {
      v.range("paymentTermsDays", patch.paymentTermsDays().orElse(null), 0, MAX_PAYMENT_TERMS_DAYS);
    }
    if (patch.status() != null && patch.status().isEmpty()) {
      v.error("status", "must be one of ACTIVE, CREDIT_HOLD, BLOCKED");
    }
    v.orThrow("The changes are not valid.");
    return new CustomerPatch(
        patch.name() == null ? null : patch.name().get().strip(),
        patch.email() == null ? null : patch.email().orElse(null),
        patch.email() != null && patch.email().isEmpty(),
        patch.creditLimit() == null ? null : patch.creditLimit().get(),
        patch.paymentTermsDays() == null ? null : patch.paymentTermsDays().get(),
        patch.status() == null ? null : patch.status().get());
  }

  private static void email(Validation v, String email) {
    if (email == null) {
      return;
    }
    if (email.length() > 254 || !EMAIL.matcher(email).matches()) {
      v.error("email", "must be an email address such as billing@example.com");
    }
  }
}
