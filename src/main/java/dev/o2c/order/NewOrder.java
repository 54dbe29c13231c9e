package dev.o2c.order;

import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.Fingerprint;
import java.math.BigDecimal;
import java.util.List;

/** An order as a valid request describes it, with line totals and total computed exactly. */
public record NewOrder(
    String customerId, String currency, List<OrderLine> lines, BigDecimal total, String channel, String externalReference)
    implements CborSerializable {

  public NewOrder {
    lines = List.copyOf(lines);
  }

  /**
   * A digest of what the request asks for, the same however it was written (12.5 and "12.50"
   * are one price): an Idempotency-Key retry must match it.
   */
  public String fingerprint() {
    Fingerprint fingerprint = new Fingerprint().add(customerId).add(currency).add(channel).add(externalReference)
        .add(lines.size());
    for (OrderLine line : lines) {
      fingerprint.add(line.sku()).add(line.quantity()).add(line.unitPrice()).add(line.taxCode());
    }
    return fingerprint.digest();
  }
}
