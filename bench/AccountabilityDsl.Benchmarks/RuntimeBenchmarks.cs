using System.Threading.RateLimiting;
using AccountabilityDsl.Runtime;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace AccountabilityDsl.Benchmarks;

/// <summary>
/// One allowed contact per operation for a rotating set of customers, enforcing "at most 10 per day" per customer:
/// the in-memory <see cref="ContactGate"/> (reserve + commit, and check + reserve + commit) against a
/// <see cref="PartitionedRateLimiter"/> with one <see cref="SlidingWindowRateLimiter"/> per customer, and the floor
/// of any exact per-customer contact record (<see cref="Floor"/>).
/// </summary>
/// <remarks>
/// <para>Both sides see the same 2^18 customer ids in the same order and the same cap of 10.</para>
/// <para>What each side does per operation. The gate: validates the request, evaluates the policy's limit, and under
/// the ledger's lock checks the idempotency key, counts the customer's contacts in the window, inserts a pending
/// reservation (kept in memory with key, channel, offer, category and time so that later decisions can be explained
/// and the key repeated), updates the channel's totals, returns a <see cref="Reservation"/>; then commits it (a second
/// locked step). The rate limiter: finds the customer's limiter and takes one permit from its counters; it records
/// nothing about the contact.</para>
/// <para>Neither side saturates: the gate's injected clock advances one second per operation, so each customer is
/// contacted about once every three days; the rate limiter runs on wall-clock time, so its window is scaled down to
/// 100 ms (about one acquisition per customer per window at these speeds). Denials are counted and printed in cleanup.</para>
/// <para>The job is BenchmarkDotNet's ShortRun, executed in-process: the default out-of-process toolchain rebuilds
/// every referenced project under a generated path, which breaks the compiler project's ANTLR code generation.</para>
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(RuntimeBenchmarkConfig))]
public class RuntimeBenchmarks
{
    private const int Customers = 1 << 18;
    private const int Cap = 10;
    private ContactRequest[] _requests = [];
    private string[] _ids = [];
    private string[] _keys = [];
    private int _next;
    private long _denied;
    private RuntimeBenchClock _clock = null!;
    private ContactGate _gate = null!;
    private PartitionedRateLimiter<string> _limiter = null!;
    private Dictionary<string, long[]> _floorTimes = null!;
    private readonly Lock _floorLock = new();

    [GlobalSetup]
    public void Setup()
    {
        _ids = Enumerable.Range(0, Customers).Select(i => "customer-" + i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        _requests = _ids.Select(id => new ContactRequest(id, "email", "gold-card", "marketing")).ToArray();
        _keys = Enumerable.Range(0, 64).Select(i => "k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        _clock = new RuntimeBenchClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var source = new SourceLine("bench.owner", 1, "offers: at most 10 per 1 day");
        var policy = new ContactPolicy("bench", "bench.owner",
            limits: [new ContactLimit(LimitScope.Offers, Cap, new TimeWindow(1, TimeUnit.Day), source)],
            exemptCategories: ["transactional"]);
        _gate = new ContactGate(policy, new InMemoryContactLedger(retention: TimeSpan.FromDays(2)), _clock, TimeZoneInfo.Utc);
        var options = new SlidingWindowRateLimiterOptions
        {
            PermitLimit = Cap,
            Window = TimeSpan.FromMilliseconds(100),
            SegmentsPerWindow = 4,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        _limiter = PartitionedRateLimiter.Create<string, string>(id => RateLimitPartition.GetSlidingWindowLimiter(id, _ => options));
        _floorTimes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        _next = 0;
        _denied = 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// denied operations: {_denied} of {_next}");
        _limiter.Dispose();
        _gate.Ledger.Dispose();
    }

    [Benchmark(Baseline = true, Description = "PartitionedRateLimiter(SlidingWindow) acquire")]
    public bool RateLimiter()
    {
        var i = _next++;
        using var lease = _limiter.AttemptAcquire(_ids[i & (Customers - 1)]);
        if (!lease.IsAcquired)
        {
            _denied++;
        }
        return lease.IsAcquired;
    }

    /// <summary>
    /// Not a ledger: the least any exact per-customer contact record in one process does per contact — find the
    /// customer by id under a lock and store one time. It decides nothing, keeps no key and no window, and stands here
    /// as the floor that check+reserve+commit cannot go below (see docs/runtime.md).
    /// </summary>
    [Benchmark(Description = "Floor: Dictionary lookup + Lock + store one time")]
    public bool Floor()
    {
        var i = _next++;
        _clock.Tick();
        var id = _ids[i & (Customers - 1)];
        lock (_floorLock)
        {
            if (!_floorTimes.TryGetValue(id, out var times))
            {
                _floorTimes.Add(id, times = new long[Cap]);
            }
            times[i % Cap] = _clock.GetUtcNow().UtcTicks;
        }
        return true;
    }

    [Benchmark(Description = "ContactGate TryReserve+Commit")]
    public bool GateReserveCommit()
    {
        var i = _next++;
        _clock.Tick();
        var result = _gate.TryReserve(_requests[i & (Customers - 1)], _keys[(i >> 18) & 63]);
        if (result.Reservation is null)
        {
            _denied++;
            return false;
        }
        return _gate.Commit(result.Reservation) == CommitOutcome.Committed;
    }

    /// <summary>
    /// The one-call path: check and record a committed contact in one atomic ledger step. A host of this path has
    /// nothing to commit, so it reads <see cref="RecordResult.IsAllowed"/>, not the reservation object.
    /// </summary>
    [Benchmark(Description = "ContactGate TryRecord (one call)")]
    public bool GateRecord()
    {
        var i = _next++;
        _clock.Tick();
        var result = _gate.TryRecord(_requests[i & (Customers - 1)], _keys[(i >> 18) & 63]);
        if (!result.IsAllowed)
        {
            _denied++;
            return false;
        }
        return result.IsCommitted;
    }

    /// <summary>Check alone, for the probe (not a benchmark row): the decision without recording.</summary>
    internal bool GateCheck()
    {
        var i = _next++;
        _clock.Tick();
        return _gate.Check(_requests[i & (Customers - 1)]).IsAllowed;
    }

    [Benchmark(Description = "ContactGate Check+TryReserve+Commit")]
    public bool GateCheckReserveCommit()
    {
        var i = _next++;
        _clock.Tick();
        var request = _requests[i & (Customers - 1)];
        if (!_gate.Check(request).IsAllowed)
        {
            _denied++;
            return false;
        }
        var result = _gate.TryReserve(request, _keys[(i >> 18) & 63]);
        if (result.Reservation is null)
        {
            _denied++;
            return false;
        }
        return _gate.Commit(result.Reservation) == CommitOutcome.Committed;
    }
}

/// <summary>ShortRun job with the in-process toolchain.</summary>
internal sealed class RuntimeBenchmarkConfig : ManualConfig
{
    public RuntimeBenchmarkConfig() =>
        AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortRun-InProcess"));
}

/// <summary>A clock that advances one second per operation.</summary>
internal sealed class RuntimeBenchClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public void Tick() => _ticks += TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => new(_ticks, TimeSpan.Zero);
}
