package dev.o2c.support;

import dev.o2c.invoice.InvoiceStore;
import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;

/** The invoice read models in memory, for tests without Cassandra (one page holds everything). */
public final class InMemoryInvoiceStore implements InvoiceStore {

  private final Map<String, Summary> byId = new ConcurrentHashMap<>();
  private final Map<String, String> customerByReference = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Done> saveReferences(String tenantId, String invoiceId, String customerId, Collection<String> references) {
    references.forEach(r -> customerByReference.put(tenantId + ":" + r.toLowerCase(Locale.ROOT), customerId));
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Optional<String>> customerOfReference(String tenantId, String reference) {
    return CompletableFuture.completedFuture(
        Optional.ofNullable(customerByReference.get(tenantId + ":" + reference.toLowerCase(Locale.ROOT))));
  }

  @Override
  public CompletionStage<Done> save(String tenantId, Summary invoice) {
    byId.put(tenantId + ":" + invoice.invoiceId(), invoice);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Optional<String>> byNumber(String tenantId, String invoiceNumber) {
    return CompletableFuture.completedFuture(byId.entrySet().stream()
        .filter(e -> e.getKey().startsWith(tenantId + ":") && e.getValue().invoiceNumber().equals(invoiceNumber))
        .map(e -> e.getValue().invoiceId()).findFirst());
  }

  @Override
  public CompletionStage<Page> ofCustomer(String tenantId, String customerId, Filter filter, int limit, String pageToken) {
    List<Summary> found = byId.entrySet().stream()
        .filter(e -> e.getKey().startsWith(tenantId + ":") && e.getValue().customerId().equals(customerId))
        .map(Map.Entry::getValue)
        .filter(s -> switch (filter) {
          case OPEN -> s.status().isOpen();
          case PAID -> s.status() == dev.o2c.invoice.InvoiceStatus.PAID;
          case ALL -> true;
        })
        .sorted(Comparator.comparing(Summary::issuedOn).reversed())
        .toList();
    return CompletableFuture.completedFuture(new Page(found, null));
  }
}
