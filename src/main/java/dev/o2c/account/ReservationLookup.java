package dev.o2c.account;

import java.util.concurrent.CompletionStage;

/**
 * How a customer account asks an order about its reservation. Implemented by the order context
 * (through Cluster Sharding); an interface here so that the account does not depend on orders.
 */
@FunctionalInterface
public interface ReservationLookup {

  CompletionStage<ReservationStatus> statusOf(String tenantId, String orderId);
}
