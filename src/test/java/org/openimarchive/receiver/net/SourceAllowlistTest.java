package org.openimarchive.receiver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SourceAllowlistTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.0/8,        127.0.0.1,        true",
        "127.0.0.0/8,        127.255.255.254,  true",
        "127.0.0.0/8,        128.0.0.1,        false",
        "10.1.2.0/23,        10.1.3.255,       true",
        "10.1.2.0/23,        10.1.4.0,         false",
        "10.1.2.3,           10.1.2.3,         true",
        "10.1.2.3,           10.1.2.4,         false",
        "10.1.2.3/8,         10.200.0.1,       true",
        "0.0.0.0/0,          203.0.113.9,      true",
        "0.0.0.0/0,          ::1,              false",
        "::1,                0:0:0:0:0:0:0:1,  true",
        "::1,                [::1],            true",
        "::1,                ::2,              false",
        "fd00::/8,           fd12:3456::1,     true",
        "fd00::/8,           fe80::1%eth0,     false",
        "fe80::/10,          fe80::1%eth0,     true",
        "2001:db8::/127,     2001:db8::1,      true",
        "2001:db8::/127,     2001:db8::2,      false",
        "::/0,               2001:db8::2,      true",
        "::/0,               10.0.0.1,         false",
        "127.0.0.0/8,        ::ffff:127.0.0.1, true",
        "127.0.0.0/8,        not-an-address,   false",
        "127.0.0.0/8,        localhost,        false",
    })
    void matchesAddressesAgainstBlocks(String list, String remoteAddr, boolean allowed) {
        assertEquals(allowed, SourceAllowlist.parse(list).allows(remoteAddr));
    }

    @Test
    void anEmptyListAllowsNobody() {
        SourceAllowlist empty = SourceAllowlist.parse(" , ");
        assertTrue(empty.isEmpty());
        assertFalse(empty.allows("127.0.0.1"));
        assertFalse(SourceAllowlist.parse("127.0.0.1").allows(null));
    }

    @Test
    void readsSeveralEntries() {
        SourceAllowlist list = SourceAllowlist.parse("127.0.0.0/8, ::1,10.0.0.0/8 ");
        assertEquals("[127.0.0.0/8, ::1, 10.0.0.0/8]", list.toString());
        assertTrue(list.allows("10.9.9.9"));
        assertTrue(list.allows("::1"));
    }

    @Test
    void namesEveryMalformedEntry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceAllowlist.parse(
                "10.0.0.0/8, 10.0.0.300, localhost, 10.0.0.0/33, ::1/129, 10.0.0.0/, 010.0.0.1, 1.2.3, ::ffff:1.2.3.4, fe80::1%eth0, 10.0.0.0/-1"));
        assertEquals("'10.0.0.300', 'localhost', '10.0.0.0/33', '::1/129', '10.0.0.0/', '010.0.0.1', '1.2.3', "
                + "'::ffff:1.2.3.4', 'fe80::1%eth0', '10.0.0.0/-1' are not an IPv4 or IPv6 address or CIDR block "
                + "(such as 10.0.0.0/8 or fd00::/8)", e.getMessage());
        assertEquals("'x' is not an IPv4 or IPv6 address or CIDR block (such as 10.0.0.0/8 or fd00::/8)",
                assertThrows(IllegalArgumentException.class, () -> SourceAllowlist.parse("x")).getMessage());
    }
}
