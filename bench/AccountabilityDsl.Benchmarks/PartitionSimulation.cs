using System.Globalization;

namespace AccountabilityDsl.Benchmarks;

/// <summary>
/// Replays a fleet's contact traffic over N ledger partitions (docs/scaling.md): customers are partitioned by a hash
/// of their id, so each customer's cap is decided by one partition exactly; each channel's daily capacity is split
/// into per-partition allotments that a rebalancer moves from partitions with spare room to partitions that ran out.
/// Checks that no customer cap and no channel capacity is ever exceeded, and measures what the allotments cost: sends
/// denied by an empty allotment while the channel as a whole still had room.
/// </summary>
public static class PartitionSimulation
{
    /// <summary>One run's outcome.</summary>
    public sealed record Result(int Partitions, long Requests, long Sent, long CapViolations, long CapacityViolations,
        long DeniedByAllotment, long UnusedCapacity, long Capacity);

    /// <summary>
    /// Simulates <paramref name="days"/> days of traffic: <paramref name="requestsPerDay"/> requests from
    /// <paramref name="customers"/> customers (skewed: a few customers are asked about far more often), each customer
    /// capped at <paramref name="customerCap"/> contacts per 30 days, one channel with <paramref name="capacityPerDay"/>.
    /// The rebalancer runs every <paramref name="rebalanceEvery"/> requests.
    /// </summary>
    public static Result Run(int partitions, int days = 30, int requestsPerDay = 20_000, int customers = 200_000,
        int customerCap = 3, int capacityPerDay = 4_000, int rebalanceEvery = 500, int seed = 7)
    {
        var random = new Random(seed);
        var history = new Dictionary<int, List<int>>();      // customer → days of their sends
        var allotment = new int[partitions];
        var used = new int[partitions];
        long requests = 0, sent = 0, capViolations = 0, capacityViolations = 0, deniedByAllotment = 0, unused = 0;
        for (var day = 0; day < days; day++)
        {
            // Each day starts with an even split of the channel's capacity.
            Array.Fill(used, 0);
            for (var p = 0; p < partitions; p++)
            {
                allotment[p] = capacityPerDay / partitions + (p < capacityPerDay % partitions ? 1 : 0);
            }
            var sentToday = 0;
            for (var r = 0; r < requestsPerDay; r++, requests++)
            {
                // Skewed demand: squaring a uniform draw favours low customer numbers.
                var u = random.NextDouble();
                var customer = (int)(u * u * customers);
                var partition = (int)((uint)HashCode.Combine(customer, 0x5eed) % (uint)partitions);
                var sends = history.TryGetValue(customer, out var list) ? list : history[customer] = [];
                sends.RemoveAll(d => d <= day - 30);
                if (sends.Count >= customerCap)
                {
                    continue;                                 // the customer's partition denies: cap reached
                }
                if (used[partition] >= allotment[partition])
                {
                    if (sentToday < capacityPerDay)
                    {
                        deniedByAllotment++;                  // the cost of splitting the capacity
                    }
                    continue;
                }
                used[partition]++;
                sentToday++;
                sent++;
                sends.Add(day);
                if (sends.Count > customerCap)
                {
                    capViolations++;
                }
                if (r % rebalanceEvery == rebalanceEvery - 1)
                {
                    Rebalance(allotment, used);
                }
            }
            if (sentToday > capacityPerDay)
            {
                capacityViolations++;
            }
            unused += capacityPerDay - sentToday;
        }
        return new Result(partitions, requests, sent, capViolations, capacityViolations, deniedByAllotment, unused, (long)capacityPerDay * days);
    }

    /// <summary>
    /// Moves unused allotment to partitions that used most of theirs. The total of allotments never grows, so the sum
    /// of what the partitions may send stays within the channel's capacity whatever the partitions do meanwhile.
    /// </summary>
    private static void Rebalance(int[] allotment, int[] used)
    {
        var spare = 0;
        for (var p = 0; p < allotment.Length; p++)
        {
            // A partition keeps what it used plus a quarter of its remaining room; the rest is pooled.
            var room = allotment[p] - used[p];
            var give = room - room / 4;
            allotment[p] -= give;
            spare += give;
        }
        for (var p = 0; spare > 0; p = (p + 1) % allotment.Length)
        {
            allotment[p]++;
            spare--;
        }
    }

    /// <summary>Prints the table docs/scaling.md shows.</summary>
    public static void Print(TextWriter output)
    {
        output.WriteLine("| partitions | requests | sent | cap violations | capacity violations | denied by an empty allotment | capacity left unused |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var n in new[] { 1, 2, 4, 8, 16 })
        {
            var r = Run(n);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Partitions} | {r.Requests:N0} | {r.Sent:N0} | {r.CapViolations} | {r.CapacityViolations} | {r.DeniedByAllotment:N0} | {r.UnusedCapacity:N0} ({100.0 * r.UnusedCapacity / r.Capacity:F1} %) |"));
        }
    }
}
