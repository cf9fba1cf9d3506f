"""Drop-in rewards for the trainers people already use (TRL, verl); OpenRLHF's remote reward
protocol is served by the service itself (``POST /get_reward``)."""
