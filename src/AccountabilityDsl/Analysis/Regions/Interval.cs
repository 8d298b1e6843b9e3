namespace AccountabilityDsl.Analysis.Regions;

/// <summary>One end of an interval: a value, open or closed, or infinity.</summary>
internal readonly record struct Bound(decimal Value, bool Inclusive, bool Infinite)
{
    public static readonly Bound Unbounded = new(0, false, true);

    public static Bound Closed(decimal value) => new(value, true, false);

    public static Bound Open(decimal value) => new(value, false, false);

    /// <summary>Orders lower bounds: -inf first; at equal values an inclusive bound starts earlier.</summary>
    public static int CompareLower(Bound a, Bound b)
    {
        if (a.Infinite || b.Infinite)
        {
            return a.Infinite == b.Infinite ? 0 : a.Infinite ? -1 : 1;
        }

        return a.Value != b.Value ? a.Value.CompareTo(b.Value) : a.Inclusive == b.Inclusive ? 0 : a.Inclusive ? -1 : 1;
    }

    /// <summary>Orders upper bounds: +inf last; at equal values an inclusive bound reaches further.</summary>
    public static int CompareUpper(Bound a, Bound b)
    {
        if (a.Infinite || b.Infinite)
        {
            return a.Infinite == b.Infinite ? 0 : a.Infinite ? 1 : -1;
        }

        return a.Value != b.Value ? a.Value.CompareTo(b.Value) : a.Inclusive == b.Inclusive ? 0 : a.Inclusive ? 1 : -1;
    }
}

/// <summary>
/// A set of numbers between two bounds. Intervals of an <c>int</c> attribute are kept in closed
/// integer form (<c>x &gt; 5</c> is <c>[6, +inf)</c>) so that emptiness and witnesses are exact.
/// </summary>
internal readonly record struct Interval(Bound Lower, Bound Upper)
{
    public static readonly Interval All = new(Bound.Unbounded, Bound.Unbounded);

    public bool IsAll => Lower.Infinite && Upper.Infinite;

    public bool IsEmpty =>
        !Lower.Infinite && !Upper.Infinite &&
        (Lower.Value > Upper.Value || (Lower.Value == Upper.Value && !(Lower.Inclusive && Upper.Inclusive)));

    public bool Contains(decimal value) =>
        (Lower.Infinite || value > Lower.Value || (Lower.Inclusive && value == Lower.Value)) &&
        (Upper.Infinite || value < Upper.Value || (Upper.Inclusive && value == Upper.Value));

    /// <summary>Whether every number in <paramref name="inner"/> is in this interval.</summary>
    public bool Covers(Interval inner) =>
        (Lower.Infinite || (!inner.Lower.Infinite && (inner.Lower.Value > Lower.Value || (inner.Lower.Value == Lower.Value && (Lower.Inclusive || !inner.Lower.Inclusive))))) &&
        (Upper.Infinite || (!inner.Upper.Infinite && (inner.Upper.Value < Upper.Value || (inner.Upper.Value == Upper.Value && (Upper.Inclusive || !inner.Upper.Inclusive)))));

    public Interval Intersect(Interval other) => new(MaxLower(Lower, other.Lower), MinUpper(Upper, other.Upper));

    /// <summary>The numbers not in this interval: zero, one or two intervals.</summary>
    public void Complement(List<Interval> into)
    {
        if (!Lower.Infinite)
        {
            into.Add(new Interval(Bound.Unbounded, new Bound(Lower.Value, !Lower.Inclusive, false)));
        }

        if (!Upper.Infinite)
        {
            into.Add(new Interval(new Bound(Upper.Value, !Upper.Inclusive, false), Bound.Unbounded));
        }
    }

    /// <summary>Closed integer form: the same set of whole numbers.</summary>
    public Interval ToIntegers()
    {
        Bound lower = Lower.Infinite ? Lower : Bound.Closed(Lower.Inclusive ? decimal.Ceiling(Lower.Value) : decimal.Floor(Lower.Value) + 1);
        Bound upper = Upper.Infinite ? Upper : Bound.Closed(Upper.Inclusive ? decimal.Floor(Upper.Value) : decimal.Ceiling(Upper.Value) - 1);
        return new Interval(lower, upper);
    }

    private static Bound MaxLower(Bound a, Bound b)
    {
        if (a.Infinite)
        {
            return b;
        }

        if (b.Infinite || a.Value > b.Value)
        {
            return a;
        }

        return a.Value < b.Value ? b : new Bound(a.Value, a.Inclusive && b.Inclusive, false);
    }

    private static Bound MinUpper(Bound a, Bound b)
    {
        if (a.Infinite)
        {
            return b;
        }

        if (b.Infinite || a.Value < b.Value)
        {
            return a;
        }

        return a.Value > b.Value ? b : new Bound(a.Value, a.Inclusive && b.Inclusive, false);
    }

    public override string ToString()
    {
        string lower = Lower.Infinite ? "(-inf" : (Lower.Inclusive ? "[" : "(") + Format(Lower.Value);
        string upper = Upper.Infinite ? "+inf)" : Format(Upper.Value) + (Upper.Inclusive ? "]" : ")");
        return $"{lower}, {upper}";
    }

    internal static string Format(decimal value) => value.ToString("0.############################", System.Globalization.CultureInfo.InvariantCulture);
}
