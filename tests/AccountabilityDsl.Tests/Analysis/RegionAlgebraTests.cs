using AccountabilityDsl.Analysis.Regions;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Analysis;

/// <summary>The exact region algebra on small hand-checked cases (the property test covers the rest).</summary>
public class RegionAlgebraTests
{
    private static (SegmentRegions Regions, BoundPolicy Policy) Regions(string segments)
    {
        BoundPolicy policy = TestPolicy.Compile($"""
            policy P
            stages A
            attribute n: int
            attribute x: decimal
            attribute r: enum {"{"} N, S, E, W {"}"}
            {segments}
            """).Policy;
        return (new SegmentRegions(policy), policy);
    }

    private static Region Of(SegmentRegions regions, BoundPolicy policy, string name) => regions.RegionOf(policy.Segments.Single(s => s.Name == name))!;

    [Fact]
    public void Integer_intervals_that_touch_merge_but_decimal_ones_with_a_gap_do_not()
    {
        var (regions, policy) = Regions("""
            segment Low where n <= 5
            segment High where n >= 6
            segment Below where x < 1
            segment Above where x > 1
            """);
        var integers = regions.Algebra.Coalesce([.. Of(regions, policy, "Low").Boxes, .. Of(regions, policy, "High").Boxes]);
        integers.ShouldHaveSingleItem();
        regions.Space.IsFull(0, integers[0][0]).ShouldBeTrue();

        var decimals = regions.Algebra.Coalesce([.. Of(regions, policy, "Below").Boxes, .. Of(regions, policy, "Above").Boxes]);
        decimals.Count.ShouldBe(2, "x = 1 is in neither");
    }

    [Fact]
    public void A_grid_of_bands_by_region_coalesces_to_everyone()
    {
        var (regions, policy) = Regions("""
            segment LowN where n < 10 and r == N
            segment LowRest where n < 10 and r in { S, E, W }
            segment HighN where n >= 10 and r == N
            segment HighRest where n >= 10 and r != N
            """);
        var all = policy.Segments.SelectMany(s => regions.RegionOf(s)!.Boxes).ToList();
        var merged = regions.Algebra.Coalesce(all).ShouldHaveSingleItem();
        regions.Space.Covers(merged, regions.Space.FullBox).ShouldBeTrue();
        regions.Algebra.Subtract(regions.Algebra.All, new Region([.. all])).IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void Subtraction_leaves_exactly_the_gap_with_open_and_closed_ends()
    {
        var (regions, policy) = Regions("""
            segment Small where x < 100
            segment Large where x >= 200
            """);
        Region gap = regions.Algebra.Subtract(
            regions.Algebra.All,
            regions.Algebra.Union(Of(regions, policy, "Small"), Of(regions, policy, "Large")));
        regions.Witnesses.Describe(gap.Boxes.ShouldHaveSingleItem()).ShouldBe("100 <= x < 200");
        regions.Space.Contains(gap, [0, 100, 0]).ShouldBeTrue();
        regions.Space.Contains(gap, [0, 199.999m, 0]).ShouldBeTrue();
        regions.Space.Contains(gap, [0, 200, 0]).ShouldBeFalse();
        regions.Space.Contains(gap, [0, 99.999m, 0]).ShouldBeFalse();
    }

    [Theory]
    [InlineData("n > 3 and n < 4", true)]
    [InlineData("x > 3 and x < 4", false)]
    [InlineData("n >= 3 and n <= 3", false)]
    [InlineData("r in { N } and r != N", true)]
    [InlineData("not (n < 0 or n >= 0)", true)]
    public void Emptiness_is_exact_including_integer_rounding(string predicate, bool empty)
    {
        var (regions, policy) = Regions($"segment S where {predicate}");
        Of(regions, policy, "S").IsEmpty.ShouldBe(empty);
    }

    [Theory]
    [InlineData(0, false, 5, false, 1)]
    [InlineData(250000, false, 0, true, 300000)]
    [InlineData(10, true, 0, true, 10)]
    [InlineData(-7, true, -3, false, -3)]
    [InlineData(0.5, false, 0.75, false, 0.6)]
    public void Witness_values_prefer_zero_then_a_written_boundary_then_a_round_number(decimal lower, bool lowerInclusive, decimal upper, bool upperInfinite, decimal expected)
    {
        var interval = new Interval(new Bound(lower, lowerInclusive, false), upperInfinite ? Bound.Unbounded : new Bound(upper, upper == -3, false));
        WitnessPicker.NiceValue(interval, integer: false).ShouldBe(expected);
    }
}
