package dev.o2c.invoice;

import java.time.LocalDate;
import java.util.concurrent.CompletionStage;

/**
 * How the dunning run reaches customers' accounts, which take the steps (implemented by the
 * account context; an interface here so that invoicing does not depend on accounts).
 */
@FunctionalInterface
public interface DunningAccounts {

  /** Take every dunning step the customer's invoices have reached by {@code today}; the next day one falls due, or null. */
  CompletionStage<LocalDate> run(String tenantId, String customerId, LocalDate today);
}
