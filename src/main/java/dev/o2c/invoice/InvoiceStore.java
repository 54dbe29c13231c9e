package dev.o2c.invoice;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * The read models of invoices: by number, by customer (all of them, or the open ones), and by the
 * references a payment may name them by.
 */
public interface InvoiceStore {

  /** An invoice in a list. */
  record Summary(
      String invoiceId, String invoiceNumber, String orderId, String customerId, String currency, BigDecimal total,
      BigDecimal balance, InvoiceStatus status, DunningLevel dunningLevel, LocalDate issuedOn, LocalDate dueOn) {

    public static Summary of(InvoiceView v) {
      return new Summary(v.invoiceId(), v.invoiceNumber(), v.orderId(), v.customerId(), v.currency(), v.total(), v.balance(),
          v.status(), v.dunningLevel(), v.issuedOn(), v.dueOn());
    }
  }

  /** Which of a customer's invoices. */
  enum Filter {
    OPEN,
    PAID,
    ALL
  }

  /** A page of a list; {@code nextPageToken} is null on the last page. A page may hold fewer than the limit. */
  record Page(List<Summary> invoices, String nextPageToken) {}

  /** Writes (rewrites) an invoice's rows as it is now. */
  CompletionStage<Done> save(String tenantId, Summary invoice);

  /**
   * Remembers the names a payment may give an invoice by — its number, its order id, its order's
   * external reference — for finding the customer of a payment that does not name one.
   */
  CompletionStage<Done> saveReferences(String tenantId, String invoiceId, String customerId, java.util.Collection<String> references);

  /** The customer of an invoice named by {@code reference} (any case), if any invoice is. */
  CompletionStage<Optional<String>> customerOfReference(String tenantId, String reference);

  /** The invoice id of a number. */
  CompletionStage<Optional<String>> byNumber(String tenantId, String invoiceNumber);

  /** A page of a customer's invoices. */
  CompletionStage<Page> ofCustomer(String tenantId, String customerId, Filter filter, int limit, String pageToken);
}
