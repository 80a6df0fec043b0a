package org.entrylog.official;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** How one name becomes SORMAS's first and last name. */
class SormasContactsTest {
    @Test
    void aHangulNameHasTheFamilyNameFirst() {
        assertArrayEquals(new String[] {"민준", "김"}, SormasContacts.splitName("김민준"));
        assertArrayEquals(new String[] {"민준", "김"}, SormasContacts.splitName(" 김 민준 "));
        assertArrayEquals(new String[] {"민호", "남궁"}, SormasContacts.splitName("남궁민호"));
        assertArrayEquals(new String[] {"궁민", "남"}, SormasContacts.splitName("남궁민"), "three syllables: one-syllable family name");
        assertArrayEquals(new String[] {"수", "이"}, SormasContacts.splitName("이수"));
    }

    @Test
    void anotherNameHasTheFamilyNameLast() {
        assertArrayEquals(new String[] {"Anna Maria", "Schmidt"}, SormasContacts.splitName("Anna Maria  Schmidt"));
        assertArrayEquals(new String[] {"Jun", "Kim"}, SormasContacts.splitName("Jun Kim"));
    }

    @Test
    void aNameThatCannotBeSplitGoesWholeIntoTheLastName() {
        assertArrayEquals(new String[] {null, "김"}, SormasContacts.splitName("김"));
        assertArrayEquals(new String[] {null, "Madonna"}, SormasContacts.splitName("Madonna"));
        assertArrayEquals(new String[] {null, "=HYPERLINK(\"x\")"}, SormasContacts.splitName("=HYPERLINK(\"x\")"));
        assertArrayEquals(new String[] {null, null}, SormasContacts.splitName(null));
    }
}
