package dev.o2c.infra;

import java.util.List;

/** A request that breaks the rules of its fields; the HTTP layer answers 400 with every error. */
public final class ValidationException extends RuntimeException {

  private final transient List<FieldError> errors;

  public ValidationException(String detail, List<FieldError> errors) {
    super(detail, null, false, false);
    this.errors = List.copyOf(errors);
  }

  public List<FieldError> errors() {
    return errors;
  }
}
