using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using AccountabilityDsl.Runtime.Hosting;

namespace AccountabilityDsl.Serve.Operations;

/// <summary>
/// Listens to the contact gate's instruments (<see cref="ContactGateMetrics"/>) and renders them
/// in the Prometheus text exposition format (version 0.0.4) for <c>GET /metrics</c>: counters
/// as <c>_total</c>, the latency histogram as cumulative <c>_bucket{le=…}</c>, <c>_sum</c> and
/// <c>_count</c>. Recording is lock-free per series; rendering reads a consistent-enough view.
/// </summary>
internal sealed class PrometheusMetrics : IDisposable
{
    private static readonly double[] Bounds = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), StrongBox> _counters = new();
    private readonly ConcurrentDictionary<string, HistogramSeries> _durations = new();
    private readonly Dictionary<string, string> _help = new(StringComparer.Ordinal);
    // Label text by tag values: formatting it on every measurement cost more than the decision.
    private readonly ConcurrentDictionary<(string?, string?, string?), string> _labels = new();

    public PrometheusMetrics(ContactGateMetrics metrics)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // This host's meter only: other hosts in the process (tests) have their own.
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                lock (_help)
                {
                    _help[MetricName(instrument)] = instrument.Description ?? instrument.Name;
                }

                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            Interlocked.Add(ref _counters.GetOrAdd((MetricName(instrument), Labels(tags)), _ => new StrongBox()).Value, value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            _durations.GetOrAdd(Labels(tags), _ => new HistogramSeries()).Record(value));
        _listener.Start();
    }

    /// <summary>The exposition text.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        Dictionary<string, string> help;
        lock (_help)
        {
            help = new Dictionary<string, string>(_help, StringComparer.Ordinal);
        }

        foreach (string name in new[] { Counter(ContactGateMetrics.DecisionsName), Counter(ContactGateMetrics.LedgerErrorsName) })
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help.GetValueOrDefault(name, name)).Append('\n');
            text.Append("# TYPE ").Append(name).Append(" counter\n");
            foreach (var series in _counters.Where(c => c.Key.Name == name).OrderBy(c => c.Key.Labels, StringComparer.Ordinal))
            {
                text.Append(name).Append('{').Append(series.Key.Labels).Append("} ")
                    .Append(Volatile.Read(ref series.Value.Value).ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        string histogram = "contact_gate_decision_duration_seconds";
        text.Append("# HELP ").Append(histogram).Append(' ').Append(help.GetValueOrDefault(histogram, histogram)).Append('\n');
        text.Append("# TYPE ").Append(histogram).Append(" histogram\n");
        foreach (var (labels, series) in _durations.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            long cumulative = 0;
            for (int i = 0; i <= Bounds.Length; i++)
            {
                cumulative += Volatile.Read(ref series.Buckets[i]);
                string le = i < Bounds.Length ? Bounds[i].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
                text.Append(histogram).Append("_bucket{").Append(labels).Append(",le=\"").Append(le).Append("\"} ")
                    .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            text.Append(histogram).Append("_sum{").Append(labels).Append("} ").Append(series.Sum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            text.Append(histogram).Append("_count{").Append(labels).Append("} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private static string MetricName(Instrument instrument) => instrument.Name switch
    {
        ContactGateMetrics.DurationName => "contact_gate_decision_duration_seconds",
        _ => Counter(instrument.Name),
    };

    private static string Counter(string name) => name.Replace('.', '_') + "_total";

    private string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length is 2 or 3)
        {
            var key = (tags[0].Value as string, tags[1].Value as string, tags.Length == 3 ? tags[2].Value as string : null);
            if (_labels.TryGetValue(key, out string? cached))
            {
                return cached;
            }

            string formatted = Format(tags);
            _labels.TryAdd(key, formatted);
            return formatted;
        }

        return Format(tags);
    }

    private static string Format(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = new StringBuilder();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(tag.Key).Append("=\"");
            foreach (char c in tag.Value?.ToString() ?? "")
            {
                text.Append(c switch { '\\' => "\\\\", '"' => "\\\"", '\n' => "\\n", _ => c.ToString() });
            }

            text.Append('"');
        }

        return text.ToString();
    }

    private sealed class StrongBox
    {
        public long Value;
    }

    private sealed class HistogramSeries
    {
        public readonly long[] Buckets = new long[Bounds.Length + 1];
        private double _sum;

        public double Sum => Volatile.Read(ref _sum);

        public void Record(double value)
        {
            int bucket = 0;
            while (bucket < Bounds.Length && value > Bounds[bucket])
            {
                bucket++;
            }

            Interlocked.Increment(ref Buckets[bucket]);
            double current, updated;
            do
            {
                current = Volatile.Read(ref _sum);
                updated = current + value;
            }
            while (Interlocked.CompareExchange(ref _sum, updated, current) != current);
        }
    }
}
