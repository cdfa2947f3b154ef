namespace SmartMaintenance.Detection.Ensemble;

/// <summary>
/// The contextual anomaly detector of Smirnov's CAD OSE, written from its published description: each value becomes a few
/// binary facts (its bin among 2^bits levels of the stream's range, one fact per bit); a context pairs the facts of
/// the previous step (its value's facts and the contexts that were active then) with the facts of this one; the
/// detector remembers contexts it has seen, and a step scores high when few of the contexts the past predicted came
/// true and many of the ones it could form are new. After a score at or above the base threshold nothing is reported
/// for the rest period (the same event does not alarm twice).
/// </summary>
/// <remarks>
/// Memory grows with the contexts a stream shows, up to <c>maxContexts</c>; past it no new context is stored (what
/// is new stays new). Time per value is proportional to the contexts the recent facts touch. Not thread-safe.
/// </remarks>
public sealed class ContextualAnomalyDetector
{
    private const int NeuronFact = 1 << 24;

    private readonly double _min;
    private readonly double _step;
    private readonly int _bits;
    private readonly int _restPeriod;
    private readonly double _baseThreshold;
    private readonly int _maxLeftFacts;
    private readonly int _maxActive;
    private readonly int _maxContexts;
    private readonly Memory[] _sides = [new(), new()];
    private readonly List<Context> _contexts = [];
    private readonly Queue<double> _recentScores = new();
    private readonly HashSet<(FactSet, FactSet)> _candidates = new(PairComparer.Instance);
    private readonly List<(FactSet Left, FactSet Right)> _potential = [];
    private readonly List<Context> _active = [];
    private readonly List<int> _facts = [];
    private int[] _leftFacts = [];
    private Context? _newZeroLevel;
    private int _highScores;

    /// <param name="min">The low end of the stream's range (NAB gives each detector its file's minimum).</param>
    /// <param name="max">The high end of the range.</param>
    /// <param name="restPeriod">Values after a high score during which nothing is reported: a fifth of the probation in NAB.</param>
    /// <param name="baseThreshold">The score that starts a rest period.</param>
    /// <param name="maxLeftFacts">The most facts of a left half that a new context is formed from.</param>
    /// <param name="maxActive">Active contexts passed on as facts to the next step.</param>
    /// <param name="bits">Bits of a value's bin: 2^bits levels across the range.</param>
    /// <param name="maxContexts">The most contexts remembered.</param>
    public ContextualAnomalyDetector(double min, double max, int restPeriod, double baseThreshold = 0.75, int maxLeftFacts = 7,
        int maxActive = 15, int bits = 3, int maxContexts = 1 << 20)
    {
        _bits = bits;
        var levels = (1 << bits) - 1.0;
        var range = max - min;
        _min = min;
        _step = (range > 0 ? range : levels) / levels;
        _restPeriod = Math.Max(1, restPeriod);
        _baseThreshold = baseThreshold;
        _maxLeftFacts = maxLeftFacts;
        _maxActive = maxActive;
        _maxContexts = maxContexts;
        // The history starts with one high score, so the first rest period reports nothing.
        _recentScores.Enqueue(1);
        _highScores = 1;
    }

    public int Contexts => _contexts.Count;

    /// <summary>Learns the value and returns its anomaly score in [0, 1] (0 during a rest period; non-finite values are ignored).</summary>
    public double Update(double value)
    {
        if (!double.IsFinite(value))
        {
            return 0;
        }

        var (predictedTrue, added) = Step(FactsOf(value));
        var score = (1.0 - predictedTrue + added) / 2.0;
        var reported = _highScores == 0 ? score : 0;
        _recentScores.Enqueue(score);
        _highScores += score >= _baseThreshold ? 1 : 0;
        if (_recentScores.Count > _restPeriod)
        {
            _highScores -= _recentScores.Dequeue() >= _baseThreshold ? 1 : 0;
        }

        return reported;
    }

    private int[] FactsOf(double value)
    {
        var bin = (long)Math.Truncate((value - _min) / _step);
        var magnitude = Math.Abs(bin);
        var digits = Math.Max(_bits, 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)magnitude));
        var facts = new int[digits + (bin < 0 ? 1 : 0)];
        for (var k = 0; k < digits; k++)
        {
            facts[k] = (2 * k) + (int)((magnitude >> k) & 1);
        }

        if (bin < 0)
        {
            facts[^1] = 2 * 64;
        }

        return facts;
    }

    private (double PredictedTrue, double Added) Step(int[] current)
    {
        _candidates.Clear();
        _potential.Clear();
        var currentSet = new FactSet(current);
        var newContext = false;
        if (_leftFacts.Length > 0)
        {
            var zeroLevel = (new FactSet(_leftFacts), currentSet);
            _candidates.Add(zeroLevel);
            newContext = Remember(zeroLevel.Item1, zeroLevel.Item2, zeroLevel: true);
        }

        // Which remembered right halves the current facts touch, then which predictions came true.
        _sides[1].Cross(current);
        var (selected, active) = Activate(newContext);
        foreach (var candidate in _potential)
        {
            _candidates.Add(candidate);
        }

        var predictedTrue = selected > 0 ? active.Count / (double)selected : 0;

        // The most confirmed active contexts become facts of the next step's left half.
        active.Sort(static (a, b) => a.Confirmations != b.Confirmations ? a.Confirmations.CompareTo(b.Confirmations) : a.Id.CompareTo(b.Id));
        _facts.Clear();
        _facts.AddRange(current);
        for (var i = Math.Max(0, active.Count - _maxActive); i < active.Count; i++)
        {
            _facts.Add(NeuronFact + active[i].Id);
        }

        _facts.Sort();
        _leftFacts = [.. _facts];

        var added = newContext ? 1 : 0;
        foreach (var (left, right) in _potential)
        {
            added += Remember(left, right, zeroLevel: false) ? 1 : 0;
        }

        _sides[0].Cross(_leftFacts);
        return (predictedTrue, newContext && _candidates.Count > 0 ? added / (double)_candidates.Count : 0);
    }

    /// <summary>Stores the context if it is new; true when it was.</summary>
    private bool Remember(FactSet left, FactSet right, bool zeroLevel)
    {
        var leftHalf = _sides[0].Find(left);
        var rightHalf = _sides[1].Find(right);
        if (leftHalf is not null && rightHalf is not null && leftHalf.Contexts.TryGetValue(rightHalf.Id, out var known))
        {
            if (zeroLevel)
            {
                known.ZeroLevel = true;
            }

            return false;
        }

        if (_contexts.Count >= _maxContexts)
        {
            return false;
        }

        leftHalf ??= _sides[0].Add(left);
        rightHalf ??= _sides[1].Add(right);
        var context = new Context(_contexts.Count, leftHalf, rightHalf) { ZeroLevel = zeroLevel };
        _contexts.Add(context);
        leftHalf.Contexts.Add(rightHalf.Id, context);
        if (zeroLevel)
        {
            _newZeroLevel = context;
        }

        return true;
    }

    private (int Selected, List<Context> Active) Activate(bool newContext)
    {
        _active.Clear();
        var selected = 0;
        foreach (var left in _sides[0].Crossed)
        {
            var leftWhole = left.Crossing.Count == left.Facts.Length;
            var leftShort = left.Crossing.Count <= _maxLeftFacts;
            foreach (var context in left.Contexts.Values)
            {
                if (ReferenceEquals(context, _newZeroLevel))
                {
                    continue;
                }

                var right = context.Right;
                var rightTouched = right.Crossing.Count > 0 && right.CrossedAt == _sides[1].Round;
                if (leftWhole)
                {
                    selected++;
                    if (rightTouched && right.Crossing.Count == right.Facts.Length)
                    {
                        context.Confirmations++;
                        _active.Add(context);
                        continue;
                    }
                }

                if (rightTouched && context.ZeroLevel && newContext && leftShort)
                {
                    _potential.Add((new FactSet([.. left.Crossing]), new FactSet([.. right.Crossing])));
                }
            }
        }

        _newZeroLevel = null;
        return (selected, _active);
    }

    private sealed class Context(int id, SemiContext left, SemiContext right)
    {
        public int Id { get; } = id;

        public SemiContext Left { get; } = left;

        public SemiContext Right { get; } = right;

        public int Confirmations { get; set; }

        public bool ZeroLevel { get; set; }
    }

    private sealed class SemiContext(int id, int[] facts)
    {
        public int Id { get; } = id;

        public int[] Facts { get; } = facts;

        /// <summary>The facts of the last crossing this half shares (in order).</summary>
        public List<int> Crossing { get; } = [];

        public int CrossedAt { get; set; } = -1;

        /// <summary>Contexts with this half on the left, by their right half's id.</summary>
        public Dictionary<int, Context> Contexts { get; } = [];
    }

    /// <summary>One side's halves: by fact set, by fact, and the ones the last crossing touched.</summary>
    private sealed class Memory
    {
        private readonly Dictionary<FactSet, SemiContext> _byFacts = [];
        private readonly Dictionary<int, List<SemiContext>> _byFact = [];

        public List<SemiContext> Crossed { get; private set; } = [];

        public int Round { get; private set; }

        public SemiContext? Find(FactSet facts) => _byFacts.GetValueOrDefault(facts);

        public SemiContext Add(FactSet facts)
        {
            var half = new SemiContext(_byFacts.Count, facts.Facts);
            _byFacts.Add(facts, half);
            foreach (var fact in facts.Facts)
            {
                if (!_byFact.TryGetValue(fact, out var halves))
                {
                    _byFact[fact] = halves = [];
                }

                halves.Add(half);
            }

            return half;
        }

        /// <summary>Records, for every half sharing a fact with <paramref name="facts"/>, the facts it shares.</summary>
        public void Cross(int[] facts)
        {
            foreach (var half in Crossed)
            {
                half.Crossing.Clear();
            }

            Round++;
            var crossed = new List<SemiContext>();
            foreach (var fact in facts)
            {
                if (!_byFact.TryGetValue(fact, out var halves))
                {
                    continue;
                }

                foreach (var half in halves)
                {
                    if (half.CrossedAt != Round)
                    {
                        half.CrossedAt = Round;
                        half.Crossing.Clear();
                        crossed.Add(half);
                    }

                    half.Crossing.Add(fact);
                }
            }

            Crossed = crossed;
        }
    }

    /// <summary>A sorted fact set compared by content.</summary>
    private readonly struct FactSet(int[] facts) : IEquatable<FactSet>
    {
        public int[] Facts { get; } = facts;

        public bool Equals(FactSet other) => Facts.AsSpan().SequenceEqual(other.Facts);

        public override bool Equals(object? obj) => obj is FactSet other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Facts.AsSpan()));
            return hash.ToHashCode();
        }
    }

    private sealed class PairComparer : IEqualityComparer<(FactSet, FactSet)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((FactSet, FactSet) x, (FactSet, FactSet) y) => x.Item1.Equals(y.Item1) && x.Item2.Equals(y.Item2);

        public int GetHashCode((FactSet, FactSet) pair) => HashCode.Combine(pair.Item1, pair.Item2);
    }
}
