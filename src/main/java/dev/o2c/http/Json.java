package dev.o2c.http;

import dev.o2c.infra.FieldError;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The API's JSON: a strict mapper for request bodies and a mapper for responses.
 *
 * <p>Requests are read strictly, apart from the tolerant mapper Pekko uses for stored events:
 * unknown properties, duplicate keys, trailing content, fractions for integers and numbers for
 * strings are all rejected with a 400 that names the field; decimals are read as BigDecimal, so
 * "12.10" and 12.10 both arrive exactly. Responses write amounts as strings in plain notation
 * ("1250.00") and times as ISO-8601.
 */
public final class Json {

  /** Strict reader for request bodies. */
  public static final ObjectMapper REQUESTS = requestMapper();

  /** Writer for response bodies (and tolerant reader of our own responses in tests). */
  public static final ObjectMapper RESPONSES = responseMapper();

  private Json() {}

  private static ObjectMapper requestMapper() {
    JsonMapper mapper =
        JsonMapper.builder()
            .addModule(new ParameterNamesModule())
            .addModule(new JavaTimeModule())
            // Optional fields tell "absent" (null) from "explicitly null" (empty): merge patches.
            .addModule(new Jdk8Module())
            .addModule(new SimpleModule("o2c-text").addDeserializer(String.class, new WellFormedText()))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    // Text fields take text only; integers take integers only. Decimals (amounts) take a number
    // or a string, as the money rules ask.
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Float)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    return mapper;
  }

  private static ObjectMapper responseMapper() {
    SimpleModule money = new SimpleModule("o2c-money");
    money.addSerializer(BigDecimal.class, new PlainDecimalAsString());
    return JsonMapper.builder()
        .addModule(new ParameterNamesModule())
        .addModule(new JavaTimeModule())
        .addModule(money)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .serializationInclusion(JsonInclude.Include.NON_NULL)
        .build();
  }

  /** Serializes a response body. */
  public static byte[] write(Object value) {
    try {
      return RESPONSES.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("Response could not be written as JSON", e);
    }
  }

  /**
   * Reads a request body strictly. A body that is not valid JSON, or does not fit the type,
   * throws a {@link ProblemException} (400) that says where and what.
   */
  public static <T> T read(byte[] body, Class<T> type) {
    try {
      T value = REQUESTS.readValue(body, type);
      if (value == null) {
        throw Problem.validation("The request body is JSON null; " + (List.class.isAssignableFrom(type) ? "an array" : "a JSON object")
            + " is expected.", List.of(new FieldError("$", "must be " + describe(type)))).toException();
      }
      if (value instanceof com.fasterxml.jackson.databind.JsonNode tree) {
        String bad = unpairedSurrogateAt(tree, "");
        if (bad != null) {
          throw Problem.validation("The request is not valid.", List.of(new FieldError(bad.isEmpty() ? "$" : bad,
              "must not contain an unpaired UTF-16 surrogate (\\ud800-\\udfff)"))).toException();
        }
      }
      return value;
    } catch (IOException e) {
      throw problemFor(e).toException();
    } catch (NumberFormatException | ArithmeticException e) {
      // A number whose exponent no decimal can hold (1e2147483648, 1e-2147483648), met while reading a tree.
      throw Problem.of(ProblemType.MALFORMED_JSON, "The body holds a number out of range: " + firstLine(e.getMessage())).toException();
    }
  }

  /** The 400 problem for a body Jackson could not read. */
  public static Problem problemFor(IOException e) {
    if (e instanceof PropertyBindingException unknown) {
      String known =
          unknown.getKnownPropertyIds() == null
              ? ""
              : " (known fields: "
                  + unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "))
                  + ")";
      return Problem.validation(
          "The request has a field this endpoint does not know.",
          List.of(new FieldError(path(unknown), "is not a known field" + known)));
    }
    if (e instanceof ValueInstantiationException invalid) {
      Throwable cause = invalid.getCause() == null ? invalid : invalid.getCause();
      return Problem.validation(
          "The request is not valid.", List.of(new FieldError(path(invalid), String.valueOf(cause.getMessage()))));
    }
    if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
      JsonMappingException mapping = (JsonMappingException) e;
      Class<?> target = ((MismatchedInputException) e).getTargetType();
      String field = path(mapping);
      return Problem.validation(
          "A field has the wrong type.",
          List.of(new FieldError(field.isEmpty() ? "$" : field, "must be " + describe(target))));
    }
    if (e instanceof StreamReadException parse) {
      JsonLocation at = parse.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      return Problem.of(ProblemType.MALFORMED_JSON, "The body is not valid JSON" + where + ": " + firstLine(parse.getOriginalMessage()));
    }
    if (e instanceof JsonMappingException mapping) {
      return Problem.validation(
          "The request is not valid.", List.of(new FieldError(path(mapping), firstLine(mapping.getOriginalMessage()))));
    }
    return Problem.of(ProblemType.MALFORMED_JSON, "The body could not be read: " + firstLine(e.getMessage()));
  }

  /** A field path such as {@code lines[2].quantity}. */
  static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == BigDecimal.class) {
      return "a decimal number (as a JSON number or a string such as \"12.50\")";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == LocalDate.class) {
      return "a date (YYYY-MM-DD)";
    }
    if (type == Instant.class) {
      return "a timestamp (ISO-8601, e.g. 2026-11-22T10:15:30Z)";
    }
    if (type.isEnum()) {
      return "one of " + Arrays.toString(type.getEnumConstants());
    }
    if (List.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "an object";
  }

  private static String firstLine(String message) {
    return Optional.ofNullable(message).map(m -> m.lines().findFirst().orElse("")).orElse("");
  }

  /**
   * Text as the standard deserializer reads it, refused when it holds an unpaired UTF-16 surrogate
   * (JSON allows the escape {@code "\ud800"} alone; no store or encoder can write such text).
   */
  private static final class WellFormedText extends com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer<String> {
    WellFormedText() {
      super(String.class);
    }

    @Override
    public String deserialize(com.fasterxml.jackson.core.JsonParser p, com.fasterxml.jackson.databind.DeserializationContext ctxt)
        throws IOException {
      String text = com.fasterxml.jackson.databind.deser.std.StringDeserializer.instance.deserialize(p, ctxt);
      if (text != null && !wellFormed(text)) {
        throw JsonMappingException.from(p, "must not contain an unpaired UTF-16 surrogate (\\ud800-\\udfff)");
      }
      return text;
    }

    @Override
    public com.fasterxml.jackson.databind.type.LogicalType logicalType() {
      return com.fasterxml.jackson.databind.type.LogicalType.Textual;
    }
  }

  /** The path of the first text (or member name) in a tree that holds an unpaired surrogate, or null. */
  private static String unpairedSurrogateAt(com.fasterxml.jackson.databind.JsonNode node, String at) {
    if (node.isTextual()) {
      return wellFormed(node.textValue()) ? null : at;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String bad = unpairedSurrogateAt(node.get(i), at + "[" + i + "]");
        if (bad != null) {
          return bad;
        }
      }
    } else if (node.isObject()) {
      var fields = node.fields();
      while (fields.hasNext()) {
        var field = fields.next();
        String path = at.isEmpty() ? field.getKey() : at + "." + field.getKey();
        String bad = wellFormed(field.getKey()) ? unpairedSurrogateAt(field.getValue(), path) : at;
        if (bad != null) {
          return bad;
        }
      }
    }
    return null;
  }

  /** No unpaired surrogate: every high surrogate followed by a low one, no low one alone. */
  static boolean wellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** Amounts are strings in plain decimal notation, never exponent notation or JSON numbers. */
  private static final class PlainDecimalAsString extends StdSerializer<BigDecimal> {
    PlainDecimalAsString() {
      super(BigDecimal.class);
    }

    @Override
    public void serialize(BigDecimal value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeString(value.toPlainString());
    }
  }
}
