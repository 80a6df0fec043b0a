package org.entrylog.venue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Clock;
import org.entrylog.common.ApiException;
import org.entrylog.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device authentication is cached (issue 18), yet a revocation made through another
 * {@link VenueService} on the same data folder, as {@code device revoke} does from its own process,
 * refuses the tablet at its very next request, even when revocations follow each other within
 * one tick of the file system's clock.
 */
class DeviceCacheTest {
    @TempDir
    Path dir;

    @Test
    void aRevocationByAnotherServiceOnTheFolderRefusesTheCachedTabletAtItsNextRequest() {
        Clock clock = Clock.systemUTC();
        try (Database server = Database.open(dir); Database cli = Database.open(dir)) {
            VenueService venues = new VenueService(server, clock);
            String code = venues.add("Cafe", null).enrollmentCode();
            VenueService.Enrollment a = server.transaction(c -> venues.enroll(code, null, c));
            VenueService.Enrollment b = server.transaction(c -> venues.enroll(code, null, c));
            VenueService.Enrollment k = server.transaction(c -> venues.enroll(code, null, c));
            for (int i = 0; i < 3; i++) { // cached after the first
                assertEquals(a.deviceId(), venues.authenticate(a.secret()).deviceId());
                assertEquals(b.deviceId(), venues.authenticate(b.secret()).deviceId());
            }
            VenueService other = new VenueService(cli, clock);
            other.revoke(a.deviceId());
            assertEquals("unauthorized", assertThrows(ApiException.class, () -> venues.authenticate(a.secret())).code());
            assertEquals(b.deviceId(), venues.authenticate(b.secret()).deviceId()); // cached again
            other.revoke(b.deviceId()); // right after the first: the marker's time may not have moved
            assertEquals("unauthorized", assertThrows(ApiException.class, () -> venues.authenticate(b.secret())).code());
            assertEquals(k.deviceId(), venues.authenticate(k.secret()).deviceId());
            venues.revoke(k.deviceId()); // and in the same process
            assertThrows(ApiException.class, () -> venues.authenticate(k.secret()));
            assertThrows(ApiException.class, () -> venues.authenticate("not a secret"));
        }
    }
}
