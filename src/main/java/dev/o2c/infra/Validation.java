package dev.o2c.infra;

import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Collects every field error of a request, so that one 400 lists them all. */
public final class Validation {

  private final List<FieldError> errors = new ArrayList<>();

  public Validation error(String field, String message) {
    errors.add(new FieldError(field, message));
    return this;
  }

  /** A required, non-blank text of at most {@code max} characters, without control characters. */
  public Validation text(String field, String value, int max) {
    if (value == null || value.isBlank()) {
      return error(field, "is required");
    }
    return optionalText(field, value, max);
  }

  /** An optional text: when present, not blank, at most {@code max} characters, no control characters. */
  public Validation optionalText(String field, String value, int max) {
    if (value == null) {
      return this;
    }
    if (value.isBlank()) {
      return error(field, "must not be blank");
    }
    if (value.length() > max) {
      return error(field, "must be at most " + max + " characters");
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      return error(field, "must not contain control characters");
    }
    return this;
  }

  /** A required id (letters, digits, '.', '_', '-'; up to 64). */
  public Validation id(String field, String value) {
    if (value == null || value.isBlank()) {
      return error(field, "is required");
    }
    if (!EntityIds.isValidId(value)) {
      return error(field, "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return this;
  }

  /** A required ISO 4217 currency code. */
  public Validation currency(String field, String value) {
    if (value == null) {
      return error(field, "is required");
    }
    if (!Money.isCurrency(value)) {
      return error(field, "must be an ISO 4217 currency code such as EUR, USD or JPY");
    }
    return this;
  }

  /** A required amount in the currency (checked for its decimals only when the currency is valid). */
  public Validation amount(String field, BigDecimal value, String currency, boolean zeroAllowed) {
    Money.problem(value, currency, zeroAllowed).ifPresent(message -> error(field, message));
    return this;
  }

  /** A required whole number within [min, max]. */
  public Validation range(String field, Number value, long min, long max) {
    if (value == null) {
      return error(field, "is required");
    }
    if (value.longValue() < min || value.longValue() > max) {
      return error(field, "must be between " + min + " and " + max);
    }
    return this;
  }

  public boolean ok() {
    return errors.isEmpty();
  }

  /** Throws a {@link ValidationException} (400) when any error was found. */
  public void orThrow(String detail) {
    if (!errors.isEmpty()) {
      throw new ValidationException(detail, errors);
    }
  }
}
