package org.entrylog.owner;

import java.util.List;
import org.entrylog.official.OfficialAccounts;
import org.entrylog.official.Officials;
import org.entrylog.official.Passwords;
import org.entrylog.testing.TestApp;

/** Venue owners in tests: made as {@code owner add} makes them, signed in like officials (Officials.code). */
public final class Owners {
    private Owners() {}

    /** Adds a venue owner of these venues with a second factor; answers the totpUri. */
    public static String add(TestApp t, String username, String... venueIds) {
        new OwnerAccounts(t.app.db, new OfficialAccounts(t.app.db, new Passwords(), t.clock))
                .add(username, Officials.PASSWORD, List.of(venueIds));
        return Officials.enroll(t, username);
    }

    /** A fresh session token of the owner (POST /api/sessions with password and TOTP). */
    public static String token(TestApp t, String username) {
        return Officials.token(t, username);
    }
}
