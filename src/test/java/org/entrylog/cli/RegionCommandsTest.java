package org.entrylog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import org.entrylog.official.Officials;
import org.entrylog.testing.Cli;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code venue add --region} and {@code official add --regions}: ISO 3166-2 codes, checked and stored. */
@Tag("slow")
class RegionCommandsTest {
    @TempDir
    Path dir;

    @Test
    void venuesTakeARegionAndOfficialsASetOfRegionsAndBadCodesAreRefused() {
        try (TestApp t = new TestApp(dir)) {
            Cli.Run venue = Cli.run("venue", "add", "--data", dir.toString(), "--name", "Suwon cafe", "--region", "kr-41");
            assertEquals(0, venue.exit(), venue.out());
            assertEquals(1, t.count("SELECT count(*) FROM venue WHERE name = 'Suwon cafe' AND region = 'KR-41'"));
            assertNotEquals(0, Cli.run("venue", "add", "--data", dir.toString(), "--name", "Bad", "--region", "Gyeonggi")
                    .exit());
            assertEquals(0, t.count("SELECT count(*) FROM venue WHERE name = 'Bad'"));

            Cli.Run park = Cli.withInput(Officials.PASSWORD + "\n", "official", "add", "--data", dir.toString(),
                    "--username", "park", "--regions", "KR-41,kr-11");
            assertEquals(0, park.exit(), park.out());
            assertEquals(1, t.count("SELECT count(*) FROM official WHERE username = 'park' AND regions = 'KR-11,KR-41'"));
            Cli.Run national = Cli.withInput(Officials.PASSWORD + "\n", "official", "add", "--data", dir.toString(),
                    "--username", "kim");
            assertEquals(0, national.exit(), national.out());
            assertEquals(1, t.count("SELECT count(*) FROM official WHERE username = 'kim' AND regions IS NULL"));
            assertNotEquals(0, Cli.withInput(Officials.PASSWORD + "\n", "official", "add", "--data", dir.toString(),
                    "--username", "lee", "--regions", "KR-41,Seoul").exit());
            assertEquals(0, t.count("SELECT count(*) FROM official WHERE username = 'lee'"));
        }
    }
}
