package org.openimarchive.receiver.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The source addresses allowed to post callbacks: IPv4 and IPv6 addresses and CIDR blocks.
 * An empty list allows nobody. Entries are literals only: nothing here ever asks DNS.
 * Immutable and thread-safe.
 */
public final class SourceAllowlist {

    private final List<CidrBlock> blocks;

    private SourceAllowlist(List<CidrBlock> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /**
     * Parses a comma-separated list such as {@code 127.0.0.0/8, ::1, 10.1.2.3}. Blank
     * entries are skipped.
     *
     * @throws IllegalArgumentException naming every malformed entry
     */
    public static SourceAllowlist parse(String list) {
        List<CidrBlock> blocks = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String raw : list.split(",", -1)) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            CidrBlock block = CidrBlock.parse(entry);
            if (block == null) {
                bad.add("'" + entry + "'");
            } else {
                blocks.add(block);
            }
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", bad)
                    + (bad.size() == 1 ? " is not" : " are not")
                    + " an IPv4 or IPv6 address or CIDR block (such as 10.0.0.0/8 or fd00::/8)");
        }
        return new SourceAllowlist(blocks);
    }

    /** True when {@code remoteAddr}, as the container reports it, is in one of the blocks. */
    public boolean allows(String remoteAddr) {
        if (blocks.isEmpty() || remoteAddr == null) {
            return false;
        }
        byte[] address = parseAddress(remoteAddr, true);
        if (address == null) {
            return false;
        }
        for (CidrBlock block : blocks) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    @Override
    public String toString() {
        return blocks.toString();
    }

    /**
     * The bytes of an IPv4 (4) or IPv6 (16) literal, or null. IPv4-mapped IPv6 addresses
     * come out as IPv4. A container's remote address may be bracketed or carry a zone.
     */
    static byte[] parseAddress(String text, boolean fromContainer) {
        String s = text;
        if (fromContainer) {
            if (s.startsWith("[") && s.endsWith("]")) {
                s = s.substring(1, s.length() - 1);
            }
            int zone = s.indexOf('%');
            if (zone >= 0) {
                s = s.substring(0, zone);
            }
        }
        if (s.indexOf(':') < 0) {
            return parseIpv4(s);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                return null;
            }
        }
        try {
            // a string with a colon is parsed as an IPv6 literal: no name lookup
            InetAddress address = InetAddress.getByName(s);
            if (address instanceof Inet4Address && !fromContainer) {
                return null; // an IPv4-mapped entry: the list wants it written as IPv4
            }
            return address.getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Four decimal octets 0-255, without leading zeros (which some tools read as octal). */
    private static byte[] parseIpv4(String s) {
        byte[] bytes = new byte[4];
        int octet = 0;
        int value = -1;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return null;
                }
                value = (digits == 0 ? 0 : value) * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    return null;
                }
            } else if (c == '.' && digits > 0 && octet < 4) {
                bytes[octet++] = (byte) value;
                digits = 0;
            } else {
                return null;
            }
        }
        return octet == 4 ? bytes : null;
    }

    /** An address and a prefix length; the host bits of the address are cleared. */
    record CidrBlock(byte[] network, int prefix, String text) {

        static CidrBlock parse(String entry) {
            int slash = entry.indexOf('/');
            String addressPart = slash < 0 ? entry : entry.substring(0, slash);
            byte[] address = parseAddress(addressPart, false);
            if (address == null) {
                return null;
            }
            int bits = address.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String p = entry.substring(slash + 1);
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                    return null;
                }
                prefix = Integer.parseInt(p);
                if (prefix > bits) {
                    return null;
                }
            }
            for (int i = 0; i < address.length; i++) {
                address[i] &= mask(prefix, i);
            }
            return new CidrBlock(address, prefix, entry);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int i = 0; i < address.length; i++) {
                if ((address[i] & mask(prefix, i)) != network[i]) {
                    return false;
                }
            }
            return true;
        }

        private static byte mask(int prefix, int byteIndex) {
            int bitsInByte = Math.max(0, Math.min(8, prefix - byteIndex * 8));
            return (byte) (0xff00 >> bitsInByte);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
