package dev.o2c.invoice;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** An invoice as the API shows it. */
public record InvoiceView(
    String invoiceId,
    String invoiceNumber,
    String orderId,
    String customerId,
    String externalReference,
    String currency,
    List<InvoiceLine> lines,
    BigDecimal subtotal,
    BigDecimal tax,
    BigDecimal total,
    BigDecimal amountPaid,
    BigDecimal amountCredited,
    BigDecimal amountWrittenOff,
    BigDecimal balance,
    LocalDate issuedOn,
    LocalDate dueOn,
    InvoiceStatus status,
    DunningLevel dunningLevel,
    List<Application> applications,
    Instant updatedAt)
    implements CborSerializable {}
