import KgitSchema
import Testing

@Suite struct CronScheduleTests {
    @Test(arguments: [
        "*/15 * * * *", "0 3 * * 1-5", "30 2 1,15 * *", "0 0 * JAN,JUL MON-FRI", "@hourly", "@daily", "@every 1h30m",
        "0 0 ? * *", "5-10/2 * * * 0",
    ])
    func validSchedulesAreAccepted(schedule: String) {
        #expect(CronSchedule.problem(schedule) == nil)
    }

    @Test(arguments: [
        "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 7", "*/0 * * * *",
        "5-1 * * * *", "TZ=UTC 0 3 * * *", "@fortnightly", "", "a * * * *", "@every", "1,,2 * * * *",
    ])
    func invalidSchedulesSayWhy(schedule: String) {
        #expect(CronSchedule.problem(schedule) != nil)
    }

    // Schedules of numbers, ranges, steps and lists are accepted by a quick byte scan; anything else
    // (names, leading signs, long numbers) goes through the full parser, which must give the same answer.
    @Test(arguments: [
        "007 * * * *", "*/10000 * * * *", "0 0 * jan mon", "0\t0 * * *", "  0 0 * * *  ", "1-1 0-23/6 1,2,3 1-12 0-6",
        "0 0 */+2 * *",
    ])
    func schedulesOutsideTheQuickFormAreStillAccepted(schedule: String) {
        #expect(CronSchedule.problem(schedule) == nil)
    }

    @Test(arguments: [
        ("1-2-3 * * * *", "the minute field `1-2-3` is malformed"), ("*-5 * * * *", "`*` is not a valid minute"),
        ("5/ * * * *", "the step in the minute field `5/` must be a positive number"),
        ("1, * * * *", "the minute field `1,` is malformed"), ("0 0 1-32 * *", "the day of month 32 is outside 1-31"),
        ("0 0 * * * ,", "expected 5 fields (minute hour day-of-month month day-of-week), found 6"),
    ])
    func malformedNumericSchedulesAreExplained(schedule: String, problem: String) {
        #expect(CronSchedule.problem(schedule) == problem)
    }
}
