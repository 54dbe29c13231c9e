package dev.o2c.order;

import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.EntityIds;
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
    StringBuilder text = new StringBuilder()
        .append(customerId).append('\u001f').append(currency).append('\u001f')
        .append(channel).append('\u001f').append(externalReference);
    for (OrderLine line : lines) {
      text.append('\u001e').append(line.sku()).append('\u001f').append(line.quantity()).append('\u001f')
          .append(line.unitPrice().stripTrailingZeros().toPlainString());
    }
    return EntityIds.sha256Hex(text.toString());
  }
}
