package dev.o2c.tenancy;

/**
 * Who is calling: the tenant an API key belongs to, and the principal recorded with every change
 * made with that key.
 */
public record Caller(String tenantId, String principal) {}
