package org.entrylog.official;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
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
}
