"""Events: job fairs, hiring halls, information sessions, open houses and site visits."""
