using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AccountabilityDsl.Runtime;
using AccountabilityDsl.Runtime.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OfferDesk;
using Policy = OfferDesk.Policies.OfferDeskBankPolicy;

namespace AccountabilityDsl.Tests.Hosting;

/// <summary>
/// <c>services.AddContactGate&lt;TPolicy&gt;().UseSqliteLedger(…)</c> on a real generic host with a
/// generated policy class (the offer desk's): options from configuration, denials logged, metrics
/// recorded, the ledger health check.
/// </summary>
public sealed class ContactGateHostingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hosting-tests-").FullName;

    [Fact]
    public void A_registered_gate_takes_options_from_configuration_and_logs_and_counts_its_decisions()
    {
        var clock = new SimulatedClock(new DateTimeOffset(2027, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var logs = new RecordingLoggerProvider();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ContactGate:DefaultHoldSeconds"] = "90",
            ["ContactGate:TimeZone"] = "Europe/Berlin",
            ["ContactGate:WhenLedgerUnavailable"] = "Throw",
        });
        builder.Logging.AddProvider(logs);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddContactGate<Policy>().UseSqliteLedger(Path.Combine(_directory, "ledger.db"));
        using IHost host = builder.Build();
        var measurements = new ConcurrentBag<(string Instrument, long Value, string Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ContactGateMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Add((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.Start();

        ObservedContactGate gate = host.Services.GetRequiredService<ObservedContactGate>();
        gate.Gate.DefaultHold.ShouldBe(TimeSpan.FromSeconds(90));
        gate.Gate.Zone.Id.ShouldBe("Europe/Berlin");
        gate.Gate.WhenLedgerUnavailable.ShouldBe(LedgerUnavailableBehavior.Throw);
        gate.Gate.Policy.ShouldBeSameAs(Policy.ContactPolicy);
        host.Services.GetRequiredService<IContactLedger>().ShouldBeOfType<SqliteContactLedger>();

        var request = Policy.CreateRequest("c-1", Policy.Channel.Email, Policy.Offer.SaverPlus);
        ReservationResult first = gate.TryReserve(request, "k1");
        first.IsAllowed.ShouldBeTrue();
        gate.Commit(first.Reservation!).ShouldBe(CommitOutcome.Committed);
        ContactDecision second = gate.Check(request);

        second.IsAllowed.ShouldBeFalse();
        logs.Entries.ShouldContain(e => e.EventId.Name == "ContactDenied" && e.Message.Contains("customer c-1 via Email") && e.Message.Contains("offer-desk-bank.owner:"));
        measurements.ShouldContain(m => m.Instrument == ContactGateMetrics.DecisionsName && m.Tags == "policy=OfferDeskBank,operation=reserve,outcome=allowed");
        measurements.ShouldContain(m => m.Instrument == ContactGateMetrics.DecisionsName && m.Tags == "policy=OfferDeskBank,operation=check,outcome=denied");
    }

    [Fact]
    public void A_denial_is_logged_with_its_offer_and_a_contact_without_an_offer_names_none()
    {
        var logs = new RecordingLoggerProvider();
        using ServiceProvider services = new ServiceCollection()
            .AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new ConfigurationBuilder().Build())
            .AddSingleton<TimeProvider>(new SimulatedClock(new DateTimeOffset(2027, 3, 1, 9, 0, 0, TimeSpan.Zero)))
            .AddLogging(logging => logging.AddProvider(logs))
            .AddContactGate<Policy>().UseSqliteLedger(Path.Combine(_directory, "log.db")).Services
            .BuildServiceProvider();
        ObservedContactGate gate = services.GetRequiredService<ObservedContactGate>();
        var withOffer = Policy.CreateRequest("c-1", Policy.Channel.Email, Policy.Offer.SaverPlus);
        var withoutOffer = Policy.CreateRequest("c-1", Policy.Channel.Email);
        gate.Commit(gate.TryReserve(withOffer, "k1").Reservation!).ShouldBe(CommitOutcome.Committed);

        gate.Check(withOffer).IsAllowed.ShouldBeFalse();
        gate.Check(withoutOffer).IsAllowed.ShouldBeFalse();

        string[] denials = [.. logs.Entries.Where(e => e.EventId.Id == 1001 && e.EventId.Name == "ContactDenied").Select(e => e.Message)];
        denials.Length.ShouldBe(2);
        denials[0].ShouldStartWith("Contact denied by policy OfferDeskBank (check) for customer c-1 via Email with offer SaverPlus: limit 'Email contacts per customer: at most 1 per 7 days' (offer-desk-bank.owner:50) — 1 of 1 used");
        denials[1].ShouldStartWith("Contact denied by policy OfferDeskBank (check) for customer c-1 via Email: limit 'Email contacts per customer: at most 1 per 7 days' (offer-desk-bank.owner:50) — 1 of 1 used");
        denials.ShouldAllBe(message => !message.Contains("(null)") && !message.Contains("offer :"));
    }

    [Fact]
    public async Task The_ledger_health_check_reports_a_ledger_that_does_not_answer()
    {
        string path = Path.Combine(_directory, "health.db");
        ServiceProvider services = new ServiceCollection()
            .AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build())
            .AddLogging()
            .AddContactGate<Policy>().UseSqliteLedger(path).Services
            .BuildServiceProvider();
        HealthCheckService health = services.GetRequiredService<HealthCheckService>();

        (await health.CheckHealthAsync()).Status.ShouldBe(HealthStatus.Healthy);

        services.GetRequiredService<IContactLedger>().Dispose();
        HealthReport broken = await health.CheckHealthAsync();
        broken.Status.ShouldBe(HealthStatus.Unhealthy);
        broken.Entries[LedgerHealthCheck.Name].Description!.ShouldContain("does not answer");
        await services.DisposeAsync();
    }

    [Fact]
    public void Misuse_is_explained()
    {
        Should.Throw<ArgumentException>(() => new ServiceCollection().AddContactGate<string>()).Message.ShouldContain("not a generated policy class");
        ServiceProvider services = new ServiceCollection()
            .AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build())
            .AddContactGate<Policy>().Services.BuildServiceProvider();
        Should.Throw<InvalidOperationException>(() => services.GetRequiredService<ContactGate>()).Message.ShouldContain("UseSqliteLedger()");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(EventId EventId, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(RecordingLoggerProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                provider.Entries.Enqueue((eventId, formatter(state, exception)));
        }
    }
}
