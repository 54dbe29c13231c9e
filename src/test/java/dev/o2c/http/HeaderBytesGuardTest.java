package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/**
 * The guard in front of Pekko HTTP's request parser: a UTF-8 lead byte without its continuation
 * bytes in a header becomes NUL (which the parser refuses with 400) and nothing else ever changes —
 * not a body, not a well-formed request, wherever the bytes are split.
 */
class HeaderBytesGuardTest {

  private static byte[] bytes(String latin1) {
    return latin1.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] guard(byte[] input, int... splits) {
    HeaderBytesGuard guard = new HeaderBytesGuard();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int from = 0;
    List<Integer> cuts = new ArrayList<>();
    for (int s : splits) {
      cuts.add(Math.min(Math.max(s, from), input.length));
      from = cuts.get(cuts.size() - 1);
    }
    cuts.add(input.length);
    from = 0;
    for (int cut : cuts) {
      out.writeBytes(guard.apply(ByteString.fromArray(java.util.Arrays.copyOfRange(input, from, cut))).toArray());
      from = cut;
    }
    out.writeBytes(guard.finish().toArray());
    return out.toByteArray();
  }

  @Test
  void a_lead_byte_before_the_line_end_becomes_nul_so_the_next_header_is_not_swallowed() {
    byte[] request = bytes("POST /v1/orders HTTP/1.1\r\nHost: h\r\nX-Foo: \u00e9\r\nContent-Length: 2\r\n\r\n{}");
    byte[] guarded = guard(request);
    assertEquals(request.length, guarded.length, "no byte added or removed");
    String text = new String(guarded, StandardCharsets.ISO_8859_1);
    assertEquals("POST /v1/orders HTTP/1.1\r\nHost: h\r\nX-Foo: \u0000\r\nContent-Length: 2\r\n\r\n{}", text);
  }

  @Test
  void a_lead_byte_at_the_end_of_the_headers_or_of_the_input_becomes_nul() {
    assertArrayEquals(bytes("GET / HTTP/1.1\r\nX-Foo: \u0000\r\n\r\n"), guard(bytes("GET / HTTP/1.1\r\nX-Foo: \u00e9\r\n\r\n")));
    assertArrayEquals(bytes("GET / HTTP/1.1\r\nX-Foo: \u0000"), guard(bytes("GET / HTTP/1.1\r\nX-Foo: \u00e9")));
    // A four-byte lead with only two continuation bytes, split across chunks.
    byte[] broken = bytes("GET / HTTP/1.1\r\nX: \u00f0\u009f\u0098\r\n\r\n");
    byte[] expected = broken.clone();
    expected[19] = 0;
    assertArrayEquals(expected, guard(broken, 20, 21));
  }

  @Test
  void valid_utf8_in_a_header_and_any_bytes_in_a_body_pass_unchanged() {
    byte[] body = new byte[] {(byte) 0xe9, '\r', '\n', (byte) 0xc3, 0, (byte) 0xff, (byte) 0xf0};
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes("POST /a HTTP/1.1\r\nX-Name: caf\u00e9\r\nContent-Length: 7\r\n\r\n".getBytes(StandardCharsets.UTF_8));
    request.writeBytes(body);
    request.writeBytes(bytes("GET /b HTTP/1.1\r\nX-Bad: \u00e9\r\n\r\n"));
    byte[] input = request.toByteArray();
    byte[] guarded = guard(input, 40, 70);
    byte[] expected = input.clone();
    expected[expected.length - 5] = 0; // only the bad byte of the second request's header
    assertArrayEquals(expected, guarded);
  }

  @Test
  void a_chunked_body_is_skipped_by_its_chunk_sizes_and_its_trailers_are_guarded() {
    String request = "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "3;ext=1\r\n\u00e9\r\n\r\n" + "0\r\nX-Trailer: \u00e9\r\n\r\n"
        + "GET /b HTTP/1.1\r\nHost: \u00e9\r\n\r\n";
    byte[] input = bytes(request);
    String guarded = new String(guard(input, 55, 56, 57), StandardCharsets.ISO_8859_1);
    assertEquals(request.replace("X-Trailer: \u00e9", "X-Trailer: \u0000").replace("Host: \u00e9", "Host: \u0000"), guarded,
        "the data bytes of the chunk stay, the trailer and the next request's header are mended");
  }

  @Test
  void framing_the_parser_refuses_makes_every_further_byte_header_bytes() {
    String request = "POST /a HTTP/1.1\r\nContent-Length: x\r\n\r\n\u00e9\r\n";
    assertEquals(request.replace("\u00e9", "\u0000"), new String(guard(bytes(request)), StandardCharsets.ISO_8859_1));
    String gzip = "POST /a HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n\u00e9\r\n";
    assertEquals(gzip.replace("\u00e9", "\u0000"), new String(guard(bytes(gzip)), StandardCharsets.ISO_8859_1));
  }

  @Test
  void a_folded_transfer_encoding_is_read_as_the_parser_reads_it() {
    String request = "POST /a HTTP/1.1\r\nTransfer-Encoding:\r\n chunked\r\n\r\n2\r\n\u00e9\r\r\n0\r\n\r\n";
    assertEquals(request, new String(guard(bytes(request)), StandardCharsets.ISO_8859_1), "the chunk's data is not header bytes");
  }

  // --- properties ----------------------------------------------------------------------------------

  @Provide
  Arbitrary<byte[]> wellFormedStreams() {
    Arbitrary<byte[]> bodies = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
    Arbitrary<String> values = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(20)
        .map(v -> v + (v.length() % 3 == 0 ? "caf\u00e9 \u20ac \ud83d\ude00" : ""));
    Arbitrary<byte[]> request = Combinators.combine(bodies, values, Arbitraries.of(0, 1, 2)).as((body, value, framing) -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(("POST /x HTTP/1.1\r\nX-V: " + value + "\r\n").getBytes(StandardCharsets.UTF_8));
      switch (framing) {
        case 0 -> {
          out.writeBytes(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          out.writeBytes(body);
        }
        case 1 -> {
          out.writeBytes("Transfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          if (body.length > 0) {
            out.writeBytes((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(body);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
          }
          out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        default -> out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      return out.toByteArray();
    });
    return request.list().ofMinSize(1).ofMaxSize(4).map(list -> {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      list.forEach(all::writeBytes);
      return all.toByteArray();
    });
  }

  @Property(tries = 500)
  void well_formed_requests_with_any_bodies_pass_unchanged_however_split(
      @ForAll("wellFormedStreams") byte[] stream, @ForAll int a, @ForAll int b) {
    int first = Math.floorMod(a, stream.length + 1);
    int second = first + Math.floorMod(b, stream.length - first + 1);
    assertArrayEquals(stream, guard(stream, first, second));
  }

  @Property(tries = 500)
  void the_guarded_bytes_are_the_same_however_the_input_is_split(
      @ForAll("wellFormedStreams") byte[] stream, @ForAll int at, @ForAll byte poison, @ForAll int a) {
    byte[] input = stream.clone();
    input[Math.floorMod(at, input.length)] = poison;
    int split = Math.floorMod(a, input.length + 1);
    byte[] whole = guard(input);
    assertEquals(input.length, whole.length);
    assertArrayEquals(whole, guard(input, split));
  }
}
