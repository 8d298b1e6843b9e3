using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AccountabilityDsl.Runtime.Hosting;

/// <summary>
/// The gate's instruments (meter <see cref="MeterName"/>): decisions by policy, operation and
/// outcome, decision latency, and ledger errors. Any System.Diagnostics.Metrics listener
/// (OpenTelemetry, dotnet-counters, <c>ownerc serve</c>'s Prometheus endpoint) reads them.
/// </summary>
public sealed class ContactGateMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "AccountabilityDsl.ContactGate";

    /// <summary>Counter of decisions; tags <c>policy</c>, <c>operation</c> (check, reserve, rank) and <c>outcome</c> (allowed, denied, exempt).</summary>
    public const string DecisionsName = "contact_gate.decisions";

    /// <summary>Histogram of the time a decision took, in seconds; tags <c>policy</c> and <c>operation</c>.</summary>
    public const string DurationName = "contact_gate.decision.duration";

    /// <summary>Counter of failed ledger operations; tags <c>policy</c> and <c>operation</c>.</summary>
    public const string LedgerErrorsName = "contact_gate.ledger.errors";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _decisions;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _ledgerErrors;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on a meter of their own.</summary>
    public ContactGateMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _decisions = _meter.CreateCounter<long>(DecisionsName, "{decision}", "Contact gate decisions by policy, operation and outcome.");
        _duration = _meter.CreateHistogram<double>(DurationName, "s", "Time a contact gate decision took.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
        _ledgerErrors = _meter.CreateCounter<long>(LedgerErrorsName, "{error}", "Failed contact ledger operations.");
    }

    /// <summary>The meter the instruments are on (listeners tell this gate's measurements from other hosts' in the same process by it).</summary>
    public Meter Meter => _meter;

    /// <summary>Records one decision.</summary>
    public void Decision(string policy, string operation, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { "policy", policy }, { "operation", operation } };
        _duration.Record(elapsed.TotalSeconds, tags);
        tags.Add("outcome", outcome);
        _decisions.Add(1, tags);
    }

    /// <summary>Records one failed ledger operation.</summary>
    public void LedgerError(string policy, string operation) =>
        _ledgerErrors.Add(1, new TagList { { "policy", policy }, { "operation", operation } });

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
