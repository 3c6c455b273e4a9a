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
}
