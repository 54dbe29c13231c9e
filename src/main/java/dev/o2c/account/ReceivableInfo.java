package dev.o2c.account;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;
import java.time.LocalDate;

/** An issued invoice as its customer's account records it. */
public record ReceivableInfo(
    String invoiceId, String invoiceNumber, String orderId, String externalReference, String currency, BigDecimal total,
    LocalDate issuedOn, LocalDate dueOn) implements CborSerializable {}
