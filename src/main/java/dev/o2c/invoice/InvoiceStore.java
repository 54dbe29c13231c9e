package dev.o2c.invoice;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * The read models of invoices: by customer (all of them, or the open ones), and by the references
 * a payment may name them by (the number among them).
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

  /** What a payment may name an invoice by: its number, or its order's external reference. */
  enum ReferenceKind {
    NUMBER,
    EXTERNAL
  }

  /** A name of an invoice. */
  record Reference(String text, ReferenceKind kind) {}

  /** An invoice a reference names, and whose it is. */
  record ReferenceHit(String customerId, String invoiceId, ReferenceKind kind) {}

  /**
   * Remembers the names a payment may give an invoice by, for finding the customer of a payment
   * that does not name one. Keyed by name and invoice: two customers' invoices with the same
   * external reference are two rows, never one overwriting the other.
   */
  CompletionStage<Done> saveReferences(String tenantId, String invoiceId, String customerId, List<Reference> references);

  /** Every invoice {@code reference} (any case) names, of any customer. */
  CompletionStage<List<ReferenceHit>> referencesOf(String tenantId, String reference);

  /** The invoice of a number, and its customer. */
  CompletionStage<Optional<ReferenceHit>> byNumber(String tenantId, String invoiceNumber);

  /** The references of an invoice: its number, and its order's external reference if it has one. */
  static List<Reference> namesOf(String invoiceNumber, String externalReference) {
    return externalReference == null
        ? List.of(new Reference(invoiceNumber, ReferenceKind.NUMBER))
        : List.of(new Reference(invoiceNumber, ReferenceKind.NUMBER), new Reference(externalReference, ReferenceKind.EXTERNAL));
  }

  /** A page of a customer's invoices. */
  CompletionStage<Page> ofCustomer(String tenantId, String customerId, Filter filter, int limit, String pageToken);
}
