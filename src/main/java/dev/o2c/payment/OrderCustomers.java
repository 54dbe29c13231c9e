package dev.o2c.payment;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Whose order an order id names, for attributing payments that name an order (implemented by the
 * order context; an interface here so that payments do not depend on orders). Asked of the order
 * itself, so it is current the moment the order's answer has gone out.
 */
@FunctionalInterface
public interface OrderCustomers {

  CompletionStage<Optional<String>> customerOf(String tenantId, String orderId);
}
