package dev.o2c.order;

import dev.o2c.infra.CborSerializable;
import java.time.Instant;

/**
 * An order as it asks its customer's ledger to take it: the valid request, what the tenant's
 * automation rules made of it, and who placed it when. The ledger records it whole, so that it can
 * answer a retry again, and give the order back its own record should the order lose it.
 */
public record PlacementRequest(
    String orderId, NewOrder order, AutomationRules.Outcome rules, String idempotencyKey, String requestHash, String by, Instant at)
    implements CborSerializable {

  public String customerId() {
    return order.customerId();
  }
}
