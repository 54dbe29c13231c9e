package dev.o2c.invoice;

import java.util.concurrent.CompletionStage;

/** Where an invoice gets its number: unique within its tenant and series, increasing. */
@FunctionalInterface
public interface InvoiceNumbers {

  /** The next number of the tenant's series {@code <prefix>-<year>}, e.g. INV-2026-000123. */
  CompletionStage<String> next(String tenantId, String prefix, int year);

  /** The text of number {@code sequence} of a series. */
  static String format(String prefix, int year, long sequence) {
    return prefix + "-" + year + "-" + String.format("%06d", sequence);
  }
}
