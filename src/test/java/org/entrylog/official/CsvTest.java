package org.entrylog.official;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.entrylog.visitor.PhoneNumbers;
import org.junit.jupiter.api.Test;

/** RFC 4180 quoting and formula neutralisation of single cells. */
class CsvTest {
    @Test
    void cellsThatASpreadsheetWouldRunGetALeadingQuote() {
        assertEquals("'=1+2", Csv.field("=1+2"));
        assertEquals("'+1", Csv.field("+1"));
        assertEquals("'-2", Csv.field("-2"));
        assertEquals("'@SUM(A1)", Csv.field("@SUM(A1)"));
        assertEquals("'\tx", Csv.field("\tx"));
        assertEquals("\"'\rx\"", Csv.field("\rx"));
        assertEquals("a=b", Csv.field("a=b"), "only the first character matters");
        assertEquals("2026-03-02T12:00:00Z", Csv.field("2026-03-02T12:00:00Z"));
    }

    @Test
    void fieldsWithCommaQuoteOrLineBreakAreQuotedWithQuotesDoubled() {
        assertEquals("\"a,b\"", Csv.field("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", Csv.field("say \"hi\""));
        assertEquals("\"a\nb\"", Csv.field("a\nb"));
        assertEquals("\"'=cmd|' /C calc'!A0,x\"", Csv.field("=cmd|' /C calc'!A0,x"));
        assertEquals("", Csv.field(null));
    }

    @Test
    void rowsEndWithCrLf() {
        assertEquals("a,,\"b,c\"\r\nd\r\n", new Csv().row(Arrays.asList("a", null, "b,c")).row(Arrays.asList("d")).toString());
    }

    @Test
    void aNumberOfTheDefaultCountryIsWrittenNationallyAndNeedsNoGuard() {
        PhoneNumbers kr = new PhoneNumbers("KR");
        assertEquals("010-1234-5678", kr.forSpreadsheet("+821012345678"));
        assertEquals("010-1234-5678", Csv.field(kr.forSpreadsheet("+821012345678")), "no leading quote");
        assertEquals("02-123-4567", Csv.field(kr.forSpreadsheet("+8221234567")));
        // a foreign number stays E.164: its leading '+' is a formula trigger, so the guard's quote stays (T48)
        assertEquals("+493012345678", kr.forSpreadsheet("+493012345678"));
        assertEquals("'+493012345678", Csv.field(kr.forSpreadsheet("+493012345678")));
        assertEquals("030 12345678", new PhoneNumbers("DE").forSpreadsheet("+493012345678"));
        assertEquals("=1+2", kr.forSpreadsheet("=1+2"), "not a number: unchanged, and the guard still applies");
        assertEquals("'=1+2", Csv.field(kr.forSpreadsheet("=1+2")));
        assertEquals(null, kr.forSpreadsheet(null));
    }

    @Test
    void theByteOrderMarkIsEfBbBfInUtf8() {
        byte[] b = (Csv.BOM + "김민준").getBytes(StandardCharsets.UTF_8);
        assertEquals(0xEF, b[0] & 0xff);
        assertEquals(0xBB, b[1] & 0xff);
        assertEquals(0xBF, b[2] & 0xff);
        assertEquals("김민준", new String(b, 3, b.length - 3, StandardCharsets.UTF_8));
    }
}
