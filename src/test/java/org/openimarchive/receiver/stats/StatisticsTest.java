package org.openimarchive.receiver.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.openimarchive.receiver.audit.MessageFacts;
import org.openimarchive.receiver.callback.CallbackParser;
import org.openimarchive.receiver.callback.InvalidCallbackException;
import org.openimarchive.receiver.callback.MessageKind;
import org.openimarchive.receiver.callback.MsgCallback;
import org.openimarchive.receiver.callback.ParsedCallback;

class StatisticsTest {

    private static final CallbackParser PARSER = new CallbackParser();

    /** 2026-11-26 12:00 UTC, 20:00 in Shanghai. */
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static MsgCallback msg(String serverMsgID, String from, String to, int contentType, Long sendTime, long createTime) {
        return parsed(serverMsgID, from, to, contentType, sendTime, createTime).callback();
    }

    /** A callback as the parser gives it, from a body with these values. */
    static ParsedCallback parsed(String serverMsgID, String from, String to, int contentType, Long sendTime,
                                 long createTime) {
        var b = Json.createObjectBuilder().add("sendID", from)
                .add("callbackCommand", "callbackAfterSendSingleMsgCommand").add("serverMsgID", serverMsgID)
                .add("senderPlatformID", 5).add("msgFrom", 100).add("contentType", contentType).add("status", 1);
        if (sendTime != null) {
            b.add("sendTime", sendTime);
        }
        String body = b.add("createTime", createTime).add("recvID", to).build().toString();
        try {
            return PARSER.parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (InvalidCallbackException e) {
            throw new AssertionError(e);
        }
    }

    static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static JsonObject json(Statistics s) {
        return Json.createReader(new StringReader(s.toJson())).readObject();
    }

    @Test
    void countsMessagesPeopleConversationsAndBreakdowns() {
        Statistics s = new Statistics(ZoneOffset.UTC, 30, CLOCK);
        long t = at("2026-11-26T10:00:00Z");
        s.countAccepted(NOW, msg("m1", "alice", "bob", 101, t, t), false);
        s.countAccepted(NOW, msg("m2", "bob", "alice", 102, t, t), false);
        s.countAccepted(NOW, msg("m3", "alice", "carol", 101, t, t), false);
        s.countAccepted(NOW, msg("m1", "alice", "bob", 101, t, t), true);
        s.countRefused(NOW, 400);
        s.countRefused(NOW, 400);
        s.countRefused(NOW, 413);

        JsonObject total = json(s).getJsonObject("total");
        assertEquals(3, total.getInt("messages"));
        assertEquals(1, total.getInt("duplicates"));
        assertEquals(Json.createObjectBuilder().add("400", 2).add("413", 1).build(), total.getJsonObject("refused"));
        assertEquals(2, total.getJsonObject("senders").getInt("count"));
        assertEquals(3, total.getJsonObject("receivers").getInt("count"));
        assertEquals(3, total.getJsonObject("users").getInt("count"));
        assertEquals(2, total.getJsonObject("conversations").getInt("count"), "alice-bob both ways is one");
        assertTrue(total.getJsonObject("users").getBoolean("exact"));
        assertEquals(Json.createObjectBuilder().add("101", 2).add("102", 1).build(), total.getJsonObject("byContentType"));
        assertEquals(Json.createObjectBuilder().add("5", 3).build(), total.getJsonObject("bySenderPlatformID"));
        assertEquals(Json.createObjectBuilder().add("100", 3).build(), total.getJsonObject("byMsgFrom"));
        assertEquals(Json.createObjectBuilder().add("1", 3).build(), total.getJsonObject("byStatus"));
        assertEquals(total, json(s).getJsonObject("byDay").getJsonObject("2026-11-26"));
    }

    @Test
    void aMessageBelongsToTheDayOfItsSendTimeInTheConfiguredZone() {
        Statistics s = new Statistics(ZoneId.of("Asia/Shanghai"), 30, CLOCK);
        // 2026-11-25T17:00Z is 2026-11-26 01:00 in Shanghai
        s.countAccepted(NOW, msg("a", "u1", "u2", 101, at("2026-11-25T17:00:00Z"), at("2026-11-20T00:00:00Z")), false);
        // no sendTime (before 3.8.1): createTime decides
        s.countAccepted(NOW, msg("b", "u1", "u2", 101, null, at("2026-11-24T15:00:00Z")), false);
        s.countRefused(Instant.parse("2026-11-26T11:00:00Z"), 415);
        JsonObject byDay = json(s).getJsonObject("byDay");
        assertEquals("[2026-11-24, 2026-11-26]", byDay.keySet().toString());
        assertEquals(1, byDay.getJsonObject("2026-11-26").getInt("messages"));
        assertEquals(1, byDay.getJsonObject("2026-11-26").getJsonObject("refused").getInt("415"));
        assertEquals(1, byDay.getJsonObject("2026-11-24").getInt("messages"));
        assertEquals("Asia/Shanghai", json(s).getString("timeZone"));
    }

    @Test
    void keepsOnlyTheRecentDaysButCountsEverythingInTheTotal() {
        Statistics s = new Statistics(ZoneOffset.UTC, 3, CLOCK);
        s.countAccepted(NOW, msg("old", "u1", "u2", 101, at("2026-11-23T23:59:59Z"), 0), false);
        s.countAccepted(NOW, msg("first-kept", "u1", "u2", 101, at("2026-11-24T00:00:00Z"), 0), false);
        s.countAccepted(NOW, msg("clock-skew", "u1", "u2", 101, at("2026-11-27T08:00:00Z"), 0), false);
        s.countAccepted(NOW, msg("far-future", "u1", "u2", 101, at("2027-01-01T00:00:00Z"), 0), false);
        JsonObject doc = json(s);
        assertEquals("[2026-11-24, 2026-11-27]", doc.getJsonObject("byDay").keySet().toString());
        assertEquals(4, doc.getJsonObject("total").getInt("messages"));
    }

    @Test
    void recognisesAnIdAlreadyCounted() {
        Statistics s = new Statistics(ZoneOffset.UTC, 30, CLOCK);
        assertFalse(s.isDuplicate("m1"));
        s.countAccepted(NOW, msg("m1", "a", "b", 101, null, 0), false);
        assertTrue(s.isDuplicate("m1"));
        assertFalse(s.isDuplicate("m2"));
    }

    @Test
    void distinctCountsBecomeEstimatesWithBoundsPastTheExactLimit() {
        Statistics s = new Statistics(ZoneOffset.UTC, 30, CLOCK);
        int senders = 50_000;
        for (int i = 0; i < senders; i++) {
            s.countAccepted(NOW, msg("m" + i, "user-" + i, "bot", 101, NOW.toEpochMilli(), 0), false);
        }
        JsonObject count = json(s).getJsonObject("total").getJsonObject("senders");
        assertFalse(count.getBoolean("exact"));
        assertTrue(count.getInt("lowerBound95") <= senders && senders <= count.getInt("upperBound95"), count.toString());
        assertTrue(Math.abs(count.getInt("count") - senders) < senders * 0.05, count.toString());
        assertEquals(1, json(s).getJsonObject("total").getJsonObject("receivers").getInt("count"));
    }

    @Test
    void usersAreTheUnionOfSendersAndReceiversPastTheExactLimitToo() {
        Statistics s = new Statistics(ZoneOffset.UTC, 30, CLOCK);
        // user-i sends to user-(i + 10,000): 20,000 senders, 20,000 receivers, 30,000 users
        for (int i = 0; i < 20_000; i++) {
            s.countAccepted(NOW, msg("m" + i, "user-" + i, "user-" + (i + 10_000), 101, NOW.toEpochMilli(), 0), false);
        }
        for (String period : new String[] {"total", "day"}) {
            JsonObject tally = period.equals("total") ? json(s).getJsonObject("total")
                    : json(s).getJsonObject("byDay").getJsonObject(NOW.atZone(ZoneOffset.UTC).toLocalDate().toString());
            JsonObject users = tally.getJsonObject("users");
            assertFalse(users.getBoolean("exact"));
            assertTrue(users.getInt("lowerBound95") <= 30_000 && 30_000 <= users.getInt("upperBound95"), users.toString());
            assertTrue(Math.abs(users.getInt("count") - 30_000) < 30_000 * 0.05, users.toString());
        }
    }

    @Test
    void capsTheKeysOfABreakdown() {
        Statistics s = new Statistics(ZoneOffset.UTC, 30, CLOCK);
        for (int i = 0; i < Tally.MAX_KEYS + 10; i++) {
            s.countAccepted(NOW, msg("m" + i, "a", "b", 10_000 + i, null, 0), false);
        }
        JsonObject byContentType = json(s).getJsonObject("total").getJsonObject("byContentType");
        assertEquals(Tally.MAX_KEYS + 1, byContentType.size());
        assertEquals(10, byContentType.getInt("other"));
    }

    @Test
    void sinceIsTheFirstRecordCounted() {
        Statistics s = new Statistics(ZoneOffset.UTC, 30, CLOCK);
        assertEquals("2026-11-26T12:00:00.000Z", json(s).getString("since"));
        s.countRefused(Instant.parse("2026-11-20T01:02:03.456Z"), 400);
        s.countRefused(Instant.parse("2026-11-21T00:00:00Z"), 400);
        assertEquals("2026-11-20T01:02:03.456Z", json(s).getString("since"));
    }

    /** A group message as the parser gives it. */
    private static MsgCallback groupMsg(String serverMsgID, String from, String groupID, long sendTime) {
        String body = Json.createObjectBuilder().add("sendID", from)
                .add("callbackCommand", "callbackAfterSendGroupMsgCommand").add("serverMsgID", serverMsgID)
                .add("sessionType", 3).add("msgFrom", 100).add("contentType", 101).add("sendTime", sendTime)
                .add("groupID", groupID).build().toString();
        try {
            return PARSER.parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), MessageKind.GROUP).callback();
        } catch (InvalidCallbackException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void groupMessagesCountAsMessagesWithTheirGroupsAsConversations() {
        Statistics s = new Statistics(ZoneOffset.UTC, 30, CLOCK);
        long t = at("2026-11-26T10:00:00Z");
        s.countAccepted(NOW, msg("m1", "alice", "bob", 101, t, t), false);
        s.countAccepted(NOW, groupMsg("g1", "alice", "team", t), false);
        s.countAccepted(NOW, groupMsg("g2", "carol", "team", t), false);
        s.countAccepted(NOW, groupMsg("g3", "dave", "bob", t), false);
        s.countAccepted(NOW, groupMsg("g1", "alice", "team", t), true);

        JsonObject total = json(s).getJsonObject("total");
        assertEquals(4, total.getInt("messages"));
        assertEquals(1, total.getInt("duplicates"));
        assertEquals(Json.createObjectBuilder().add("group", 3).add("single", 1).build(), total.getJsonObject("byConversationKind"));
        assertEquals(3, total.getJsonObject("senders").getInt("count"), "alice (in both kinds), carol, dave");
        assertEquals(1, total.getJsonObject("receivers").getInt("count"), "only bob: a group has no one receiver");
        assertEquals(2, total.getJsonObject("groups").getInt("count"), "team and a group named bob");
        assertEquals(4, total.getJsonObject("users").getInt("count"), "alice, bob, carol, dave");
        assertEquals(3, total.getJsonObject("conversations").getInt("count"),
                "alice-bob, team, and the group bob, which is no pair");
        assertEquals(json(s).getJsonObject("byDay").getJsonObject("2026-11-26").getJsonObject("byConversationKind"),
                total.getJsonObject("byConversationKind"));
    }

    @Test
    void notificationsAreCountedApartAndInNoOtherFigure() {
        Statistics s = new Statistics(ZoneOffset.UTC, 30, CLOCK);
        long t = at("2026-11-26T10:00:00Z");
        s.countAccepted(NOW, msg("m1", "alice", "bob", 101, t, t), false);
        s.countAccepted(NOW, msg("n1", "system", "carol", 1201, t, t), false);
        s.countAccepted(NOW, msg("n2", "system", "alice", 5000, t, t), false);
        s.countAccepted(NOW, msg("n1", "system", "carol", 1201, t, t), true);

        JsonObject total = json(s).getJsonObject("total");
        assertEquals(1, total.getInt("messages"));
        assertEquals(2, total.getInt("notifications"));
        assertEquals(1, total.getInt("duplicates"));
        assertEquals(1, total.getJsonObject("senders").getInt("count"), "a sender of notifications only is no sender");
        assertEquals(2, total.getJsonObject("users").getInt("count"));
        assertEquals(Json.createObjectBuilder().add("101", 1).build(), total.getJsonObject("byContentType"));
        assertTrue(isDuplicateOfACountedNotification(s));
    }

    private static boolean isDuplicateOfACountedNotification(Statistics s) {
        return s.isDuplicate("n1") && s.isDuplicate("n2");
    }

    @Test
    void aSystemSendersNotificationTypeIsANotificationAndItsTextIsAMessage() {
        MessageFacts text = new MessageFacts(MessageKind.SINGLE, "a", "admin", "u", "", 101, 10, 200, 0, 0);
        MessageFacts notice = new MessageFacts(MessageKind.SINGLE, "b", "admin", "u", "", 201, 10, 200, 0, 0);
        MessageFacts userCustom = new MessageFacts(MessageKind.SINGLE, "c", "u1", "u", "", 201, 10, 100, 0, 0);
        assertFalse(text.isNotification());
        assertTrue(notice.isNotification());
        assertFalse(userCustom.isNotification(), "200-203 are notifications only from the system");
        assertTrue(new MessageFacts(MessageKind.SINGLE, "d", "u1", "u", "", 1000, 10, 100, 0, 0).isNotification());
        assertFalse(new MessageFacts(MessageKind.SINGLE, "e", "u1", "u", "", 5001, 10, 100, 0, 0).isNotification());
    }

    @Test
    void passedWebhooksAreCountedByCommandOnTheDayOfReceipt() {
        Statistics s = new Statistics(ZoneOffset.UTC, 30, CLOCK);
        s.countPassed(NOW, "callbackBeforeSendSingleMsgCommand");
        s.countPassed(NOW, "callbackBeforeSendSingleMsgCommand");
        s.countPassed(NOW.minusSeconds(86_400), "callbackUserOnlineCommand");
        JsonObject doc = json(s);
        assertEquals(Json.createObjectBuilder().add("callbackBeforeSendSingleMsgCommand", 2).add("callbackUserOnlineCommand", 1)
                .build(), doc.getJsonObject("total").getJsonObject("passed"));
        assertEquals(0, doc.getJsonObject("total").getInt("messages"));
        assertEquals(Json.createObjectBuilder().add("callbackUserOnlineCommand", 1).build(),
                doc.getJsonObject("byDay").getJsonObject("2026-11-25").getJsonObject("passed"));
    }
}
